package io.coreviz.spark.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path answers as the JDK's {@code ISO_DATE_TIME} does, or leaves the value to it. */
class IsoTimestampsTest {

  /** The JDK's reading, the oracle: micros, or null where it does not parse. */
  private static Long jdk(String text) {
    try {
      TemporalAccessor parsed =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text, OffsetDateTime::from, LocalDateTime::from);
      Instant instant =
          parsed instanceof OffsetDateTime offset
              ? offset.toInstant()
              : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
      return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000L;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static long fast(String text) {
    char[] padded = ("##" + text + "##").toCharArray();
    return IsoTimestamps.micros(padded, 2, text.length());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-03-10T14:22:00.000Z",
        "2026-03-10T14:22:00Z",
        "2026-03-10T16:22:00.123456+02:00",
        "2026-03-10T16:22:00.123456789-07:30",
        "1969-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z",
        "2024-02-29T12:00:00+18:00",
        "2000-02-29T00:00:00.5-18:00",
        "2026-11-30T00:00:00"
      })
  void theShapesServicesWriteAreReadAsTheJdkReadsThem(String text) {
    assertThat(fast(text)).as(text).isNotEqualTo(IsoTimestamps.OTHER).isEqualTo(jdk(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-03-10t14:22:00Z",
        "2026-03-10T14:22Z",
        "2026-03-10T14:22:00+02:00:30",
        "2026-03-10T14:22:00+02:00[Europe/Paris]",
        "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-03-10T24:00:00Z",
        "2026-03-10T14:60:00Z",
        "2026-03-10T14:22:60Z",
        "2026-03-10T14:22:00.Z",
        "2026-03-10T14:22:00.1234567891Z",
        "2026-03-10T14:22:00+19:00",
        "2026-03-10T14:22:00z",
        "2026-03-10 14:22:00Z",
        "+12026-03-10T14:22:00Z",
        "yesterday",
        ""
      })
  void everythingElseIsLeftToTheJdk(String text) {
    assertThat(fast(text)).as(text).isEqualTo(IsoTimestamps.OTHER);
  }

  @Test
  void randomTimestampsAreReadAsTheJdkReadsThemOrLeftToIt() {
    Random random = new Random(42);
    int read = 0;
    for (int i = 0; i < 50_000; i++) {
      String text = randomTimestamp(random);
      long fast = fast(text);
      Long jdk = jdk(text);
      if (fast != IsoTimestamps.OTHER) {
        read++;
        assertThat(jdk).as(text).isNotNull();
        assertThat(fast).as(text).isEqualTo(jdk);
      }
    }
    assertThat(read).as("timestamps the fast path read").isGreaterThan(10_000);
  }

  /** Mostly well-formed, with fields out of range and odd offsets and fractions mixed in. */
  private static String randomTimestamp(Random random) {
    StringBuilder text =
        new StringBuilder()
            .append(String.format("%04d", random.nextInt(10_000)))
            .append('-')
            .append(String.format("%02d", random.nextInt(14)))
            .append('-')
            .append(String.format("%02d", random.nextInt(33)))
            .append(random.nextInt(50) == 0 ? 't' : 'T')
            .append(String.format("%02d", random.nextInt(26)))
            .append(':')
            .append(String.format("%02d", random.nextInt(62)))
            .append(':')
            .append(String.format("%02d", random.nextInt(62)));
    int fraction = random.nextInt(12) - 1;
    if (fraction >= 0) {
      text.append('.');
      for (int i = 0; i < fraction; i++) {
        text.append((char) ('0' + random.nextInt(10)));
      }
    }
    switch (random.nextInt(5)) {
      case 0 -> text.append('Z');
      case 1 -> {}
      default ->
          text.append(random.nextBoolean() ? '+' : '-')
              .append(String.format("%02d", random.nextInt(20)))
              .append(':')
              .append(String.format("%02d", random.nextInt(62)));
    }
    return text.toString();
  }
}
