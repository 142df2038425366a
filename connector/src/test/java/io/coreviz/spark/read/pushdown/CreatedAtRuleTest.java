package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.params.provider.Arguments;

/** {@link CreatedAtRule}: createdAt comparisons as widened day bounds, kept in Spark. */
class CreatedAtRuleTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            ">= midnight asks from the day before, kept in Spark (days may be in any zone)",
            BROWSE,
            List.of(p(">=", col("createdAt"), ts("2026-02-01T00:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-01-31"),
            ONE,
            1,
            false),
        c(
            ">= mid-day asks from the day before",
            BROWSE,
            List.of(p(">=", col("createdAt"), ts("2026-02-01T10:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-01-31"),
            ONE,
            1,
            false),
        c(
            "> the last microsecond of a day asks from that day",
            BROWSE,
            List.of(p(">", col("createdAt"), ts("2026-02-01T23:59:59.999999Z"))),
            with(BROWSE, "dateFrom", "2026-01-31"),
            ONE,
            1,
            false),
        c(
            "< midnight asks up to two days after the last day (an exclusive dateTo in any zone)",
            BROWSE,
            List.of(p("<", col("createdAt"), ts("2026-03-01T00:00:00Z"))),
            with(BROWSE, "dateTo", "2026-03-02"),
            ONE,
            1,
            false),
        c(
            "<= mid-day asks up to two days later",
            BROWSE,
            List.of(p("<=", col("createdAt"), ts("2026-03-01T12:30:00Z"))),
            with(BROWSE, "dateTo", "2026-03-03"),
            ONE,
            1,
            false),
        c(
            "timestamp on the left flips the comparison",
            BROWSE,
            List.of(p("<", ts("2026-02-01T00:00:00Z"), col("createdAt"))),
            with(BROWSE, "dateFrom", "2026-01-31"),
            ONE,
            1,
            false),
        c(
            "equality asks for four days around it, kept in Spark",
            BROWSE,
            List.of(p("=", col("createdAt"), ts("2026-02-05T08:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-02-04", "dateTo", "2026-02-07"),
            ONE,
            1,
            false),
        c(
            "reversed date range matches nothing",
            BROWSE,
            List.of(
                p(">=", col("createdAt"), ts("2026-03-01T00:00:00Z")),
                p("<", col("createdAt"), ts("2026-02-01T00:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-02-28", "dateTo", "2026-02-02"),
            List.of(),
            2,
            true),
        c(
            "a range within the options' days narrows them",
            with(BROWSE, "dateFrom", "2026-01-10", "dateTo", "2026-03-01"),
            List.of(
                p(">=", col("createdAt"), ts("2026-01-01T00:00:00Z")),
                p("<", col("createdAt"), ts("2026-02-01T00:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-01-10", "dateTo", "2026-02-02"),
            ONE,
            2,
            false));
  }
}
