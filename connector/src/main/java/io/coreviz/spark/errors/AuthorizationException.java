package io.coreviz.spark.errors;

/** HTTP 403: the credentials are valid but have no access to this collection. */
public final class AuthorizationException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public AuthorizationException(String serverMessage, String request) {
    super(
        403,
        serverMessage,
        request,
        1,
        "Use an API key of a workspace that can read this collection");
  }
}
