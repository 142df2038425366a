package io.coreviz.spark.options;

import io.coreviz.spark.errors.ConfigurationException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoublePredicate;

/**
 * One option of the {@code coreviz} source, declared once: its name, its type, its default (and how
 * the options table in docs/reading.md shows it), how a value is read and checked, and a line of
 * documentation. Spark matches names case-insensitively; a blank value counts as absent.
 *
 * @param <T> the option's type
 * @param fallback the value used when the option is not set; null when there is none
 * @param shownDefault the default as the options table (docs/reading.md) shows it; empty when there
 *     is none
 */
public record OptionSpec<T>(
    String name, T fallback, String shownDefault, String doc, OptionSpec.Reader<T> reader) {

  /** Reads a given (trimmed, non-blank) value; throws {@link ConfigurationException}. */
  @FunctionalInterface
  public interface Reader<T> {
    T read(String name, String value);
  }

  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);

  /** An option with a custom reader; {@code shownDefault} is how the options table shows it. */
  static <T> OptionSpec<T> of(
      String name, T fallback, String shownDefault, String doc, Reader<T> reader) {
    return new OptionSpec<>(name, fallback, shownDefault, doc, reader);
  }

  /** Free text, no default. */
  static OptionSpec<String> text(String name, String doc) {
    return of(name, null, "", doc, (n, value) -> value);
  }

  public static OptionSpec<Boolean> bool(String name, boolean fallback, String doc) {
    return of(
        name,
        fallback,
        code(fallback),
        doc,
        (n, value) ->
            switch (value.toLowerCase(Locale.ROOT)) {
              case "true" -> true;
              case "false" -> false;
              default -> throw ConfigurationException.invalid(n, value, "expected true or false");
            });
  }

  static OptionSpec<Integer> integer(String name, int fallback, int min, int max, String doc) {
    return of(
        name,
        fallback,
        code(fallback),
        doc,
        (n, value) -> {
          try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
              return parsed;
            }
          } catch (NumberFormatException e) {
            // reported below
          }
          throw ConfigurationException.invalid(
              n, value, "expected an integer from " + min + " to " + max);
        });
  }

  /** Milliseconds, typed as a duration. */
  static OptionSpec<Duration> millis(String name, Duration fallback, int min, int max, String doc) {
    OptionSpec<Integer> ms = integer(name, (int) fallback.toMillis(), min, max, doc);
    return of(
        name,
        fallback,
        ms.shownDefault,
        doc,
        (n, value) -> Duration.ofMillis(ms.reader.read(n, value)));
  }

  /** One of {@code valid}, exactly as written. */
  static OptionSpec<String> oneOf(String name, String fallback, List<String> valid, String doc) {
    return of(
        name,
        fallback,
        fallback == null ? "" : code(fallback),
        doc,
        (n, value) -> {
          if (!valid.contains(value)) {
            throw ConfigurationException.invalid(
                n, value, "expected one of " + String.join(", ", valid));
          }
          return value;
        });
  }

  /** One of an enum's constants, written in lower case. */
  static <E extends Enum<E>> OptionSpec<E> choice(
      String name, E fallback, Class<E> type, String doc) {
    List<String> valid =
        Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    OptionSpec<String> names = oneOf(name, fallback.name().toLowerCase(Locale.ROOT), valid, doc);
    return of(
        name,
        fallback,
        names.shownDefault,
        doc,
        (n, value) -> Enum.valueOf(type, names.reader.read(n, value).toUpperCase(Locale.ROOT)));
  }

  /** A day as {@code YYYY-MM-DD}. */
  static OptionSpec<LocalDate> day(String name, String doc) {
    return of(
        name,
        null,
        "",
        doc,
        (n, value) -> {
          try {
            return LocalDate.parse(value, DAY);
          } catch (DateTimeParseException e) {
            throw ConfigurationException.invalid(
                n, value, "expected a date as YYYY-MM-DD, e.g. 2026-03-10");
          }
        });
  }

  /** A finite number. */
  static OptionSpec<Double> number(String name, String shownDefault, String doc) {
    return of(name, null, shownDefault, doc, decimal(v -> true, "expected a number, e.g. 0.2"));
  }

  /** A number greater than zero; {@code fallback} when absent. */
  static OptionSpec<Double> positive(String name, double fallback, String example, String doc) {
    return of(
        name,
        fallback,
        "`" + fallback + "`",
        doc,
        decimal(v -> v > 0, "expected a positive number, e.g. " + example));
  }

  /** Reads a finite number that {@code valid} accepts; else the error says {@code expected}. */
  private static Reader<Double> decimal(DoublePredicate valid, String expected) {
    return (name, value) -> {
      try {
        double parsed = Double.parseDouble(value);
        if (Double.isFinite(parsed) && valid.test(parsed)) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw ConfigurationException.invalid(name, value, expected);
    };
  }

  /** A copy the options table shows with another default text (e.g. "unlimited"). */
  OptionSpec<T> shownAs(String text) {
    return new OptionSpec<>(name, fallback, text, doc, reader);
  }

  private static String code(Object value) {
    return "`" + value + "`";
  }

  /**
   * The given value, trimmed, or null when absent or blank; {@code options} has lower-case keys.
   */
  String raw(Map<String, String> options) {
    String value = options.get(name.toLowerCase(Locale.ROOT));
    return value == null || value.isBlank() ? null : value.trim();
  }

  boolean isSet(Map<String, String> options) {
    return raw(options) != null;
  }

  /** The value in {@code options} (lower-case keys), read and checked, or the default. */
  T from(Map<String, String> options) {
    String value = raw(options);
    return value == null ? fallback : reader.read(name, value);
  }

  @Override
  public String toString() {
    return name;
  }
}
