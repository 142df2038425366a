package io.coreviz.spark.errors;

/** HTTP 401: the credentials were missing or rejected. */
public final class AuthenticationException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public AuthenticationException(String serverMessage, String request) {
    super(
        401,
        serverMessage,
        request,
        1,
        "Check the apiKey or bearerToken option, the COREVIZ_API_KEY environment variable or the spark.coreviz.apiKey setting");
  }
}
