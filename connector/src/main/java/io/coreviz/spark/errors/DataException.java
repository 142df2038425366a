package io.coreviz.spark.errors;

/** A response that is not what the API promises: not JSON, truncated, or of the wrong shape. */
public final class DataException extends CoreVizException {

  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
