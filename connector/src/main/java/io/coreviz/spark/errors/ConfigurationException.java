package io.coreviz.spark.errors;

/** An option is missing or invalid; the message names the option, the value and what is valid. */
public final class ConfigurationException extends CoreVizException {

  private static final long serialVersionUID = 1L;

  public ConfigurationException(String message) {
    super(message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
  }
}
