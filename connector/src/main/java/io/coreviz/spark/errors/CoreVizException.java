package io.coreviz.spark.errors;

/** The base of every error the connector raises. */
public class CoreVizException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public CoreVizException(String message) {
    super(message);
  }

  public CoreVizException(String message, Throwable cause) {
    super(message, cause);
  }
}
