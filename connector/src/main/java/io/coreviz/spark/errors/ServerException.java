package io.coreviz.spark.errors;

/** HTTP 5xx: the service failed to answer. */
public final class ServerException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public ServerException(int status, String serverMessage, String request, int attempts) {
    super(status, serverMessage, request, attempts, "The CoreViz service failed; retry later");
  }
}
