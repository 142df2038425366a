package io.coreviz.spark.errors;

/** HTTP 5xx: the service failed to answer. */
public final class ServerException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public ServerException(int status, String serverMessage, String request) {
    super(status, serverMessage, request, "The CoreViz service failed; retry later");
  }
}
