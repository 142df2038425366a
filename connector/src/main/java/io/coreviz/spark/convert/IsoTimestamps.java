package io.coreviz.spark.convert;

/**
 * The timestamps services write ({@code 2026-03-10T14:22:00.000Z}, {@code
 * 2026-03-10T16:22:00.123456+02:00}) as microseconds since the epoch, read straight from the
 * parser's characters. {@code DateTimeFormatter} takes tens of microseconds a value until the JIT
 * has compiled it, which on a job's first read of 20,000 items (two timestamps each) was a third of
 * the parsing time; this takes well under one. Anything else — another shape, a lower-case {@code
 * t}, seconds left out, a zone id, an offset with seconds, a date that does not exist — is {@link
 * #OTHER}, for the caller to parse with {@code DateTimeFormatter.ISO_DATE_TIME}, whose result this
 * equals wherever it answers (tested against it).
 */
final class IsoTimestamps {

  /** Not of the shape read here: parse it the general way. */
  static final long OTHER = Long.MIN_VALUE;

  private static final int[] DAYS_IN_MONTH = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  private IsoTimestamps() {}

  /**
   * {@code yyyy-MM-ddTHH:mm:ss}, an optional fraction of 1 to 9 digits, then {@code Z}, {@code
   * ±HH:mm} or nothing (UTC), as microseconds since the epoch (the fraction truncated); else {@link
   * #OTHER}.
   */
  static long micros(char[] text, int offset, int length) {
    if (length < 19) {
      return OTHER;
    }
    int end = offset + length;
    int year = digits(text, offset, 4);
    int month = digits(text, offset + 5, 2);
    int day = digits(text, offset + 8, 2);
    int hour = digits(text, offset + 11, 2);
    int minute = digits(text, offset + 14, 2);
    int second = digits(text, offset + 17, 2);
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > daysInMonth(year, month)
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || text[offset + 4] != '-'
        || text[offset + 7] != '-'
        || text[offset + 10] != 'T'
        || text[offset + 13] != ':'
        || text[offset + 16] != ':') {
      return OTHER;
    }
    int i = offset + 19;
    long nanos = 0;
    if (i < end && text[i] == '.') {
      int digits = 0;
      for (i++; i < end && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
        nanos = nanos * 10 + (text[i] - '0');
      }
      if (digits < 1 || digits > 9) {
        return OTHER;
      }
      for (; digits < 9; digits++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (i == end) {
      offsetSeconds = 0;
    } else if (text[i] == 'Z' && i + 1 == end) {
      offsetSeconds = 0;
    } else if ((text[i] == '+' || text[i] == '-') && i + 6 == end && text[i + 3] == ':') {
      int hours = digits(text, i + 1, 2);
      int minutes = digits(text, i + 4, 2);
      if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 1080) {
        return OTHER;
      }
      offsetSeconds = (text[i] == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return OTHER;
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
    return (seconds - offsetSeconds) * 1_000_000L + nanos / 1_000L;
  }

  /** The {@code count} decimal digits at {@code from} as a number; -1 where one is not a digit. */
  private static int digits(char[] text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text[i];
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static int daysInMonth(int year, int month) {
    boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (years 0 to 9999). */
  private static long epochDay(int year, int month, int day) {
    // Days before March 1 of year 0 shifted so that leap days fall at the end of each year.
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yearOfEra = y - era * 400;
    int monthFromMarch = (month + 9) % 12;
    int dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1;
    int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097L + dayOfEra - 719_468L;
  }
}
