package io.coreviz.spark.errors;

/** The service could not be reached, or the connection broke before a whole response arrived. */
public final class ConnectionException extends CoreVizException {

  private static final long serialVersionUID = 1L;

  public ConnectionException(String message, Throwable cause) {
    super(message, cause);
  }
}
