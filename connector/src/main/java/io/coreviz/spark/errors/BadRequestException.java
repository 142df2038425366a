package io.coreviz.spark.errors;

/** HTTP 400 and other 4xx: the service rejected the request's parameters. */
public final class BadRequestException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public BadRequestException(int status, String serverMessage, String request) {
    super(
        status,
        serverMessage,
        request,
        1,
        "The service rejected a parameter; check the options passed to the coreviz source");
  }
}
