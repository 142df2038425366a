package io.coreviz.spark.client;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Numbers that arrive as JSON strings. A Node.js service on PostgreSQL (node-postgres) sends BIGINT
 * columns, {@code count(*)} and NUMERIC values as strings unless configured otherwise, so a string
 * holding exactly a number is read as that number; anything else stays an error for the caller to
 * report.
 */
public final class Numbers {

  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
  private static final Pattern DECIMAL =
      Pattern.compile("-?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?");

  private Numbers() {}

  /** The integer a string of (at most 18) digits spells, with an optional minus; else null. */
  public static Long digits(String text) {
    return text != null && INTEGER.matcher(text).matches() ? Long.parseLong(text) : null;
  }

  /**
   * The integer a string spells, also as a decimal with a zero fraction ({@code "12.0"}); null for
   * anything else, including fractions and values outside the long range.
   */
  public static Long integer(String text) {
    Long digits = digits(text);
    if (digits != null || text == null || !DECIMAL.matcher(text).matches()) {
      return digits;
    }
    try {
      return new BigDecimal(text).longValueExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /** The finite number a decimal string spells; null for anything else ("NaN", "", "1,5"). */
  public static Double decimal(String text) {
    if (text == null || !DECIMAL.matcher(text).matches()) {
      return null;
    }
    double value = Double.parseDouble(text);
    return Double.isFinite(value) ? value : null;
  }
}
