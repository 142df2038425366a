package io.coreviz.spark.errors;

/**
 * An option is missing or invalid. The message names the option, the value and what is valid;
 * {@link #option()} and {@link #value()} say the same for code (the value is never a credential).
 */
public final class ConfigurationException extends CoreVizException {

  private static final long serialVersionUID = 1L;

  private final String option;
  private final String value;

  /**
   * @param option the option at fault, or null where the problem is not one option's
   * @param value its value as given, or null where it is absent or must not be shown
   */
  public ConfigurationException(String option, String value, String message) {
    super(message);
    this.option = option;
    this.value = value;
  }

  public ConfigurationException(String message) {
    this(null, null, message);
  }

  public ConfigurationException(String message, Throwable cause) {
    super(message, cause);
    this.option = null;
    this.value = null;
  }

  /** {@code Invalid option 'name' = 'value': valid}. */
  public static ConfigurationException invalid(String option, String value, String valid) {
    return new ConfigurationException(
        option, value, "Invalid option '" + option + "' = '" + value + "': " + valid);
  }

  /** The option at fault, or null. */
  public String option() {
    return option;
  }

  /** The bad value as given, or null. */
  public String value() {
    return value;
  }
}
