package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.params.provider.Arguments;

/** {@link IdRule}: id lookups, and when they are not made. */
class IdRuleTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            "id equality is a pre-filter",
            BROWSE,
            List.of(p("=", col("id"), str("abc"))),
            BROWSE,
            List.of(Map.of("mediaId", "abc")),
            1,
            false),
        c(
            "id IN is one request per id",
            BROWSE,
            List.of(in("id", "a", "b", "c")),
            BROWSE,
            List.of(Map.of("mediaId", "a"), Map.of("mediaId", "b"), Map.of("mediaId", "c")),
            1,
            false),
        c(
            "ids and types combine, and Spark keeps both (mediaId may ignore the type)",
            BROWSE,
            List.of(in("id", "a", "b"), in("type", "image", "video")),
            BROWSE,
            List.of(
                Map.of("type", "image", "mediaId", "a"),
                Map.of("type", "image", "mediaId", "b"),
                Map.of("type", "video", "mediaId", "a"),
                Map.of("type", "video", "mediaId", "b")),
            2,
            false),
        c(
            "with an id, an exact path prefix stays in Spark too",
            BROWSE,
            List.of(
                p("=", col("id"), str("abc")), p("STARTS_WITH", col("path"), str(ROOT + ".f1."))),
            with(BROWSE, "path", ROOT + ".f1"),
            List.of(Map.of("mediaId", "abc")),
            2,
            false),
        c(
            "no id lookup where the options filter tags (a row cannot be checked against them)",
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"]}"),
            List.of(p("=", col("id"), str("abc"))),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"]}"),
            ONE,
            1,
            false),
        c(
            "no id lookup where the options filter days",
            with(BROWSE, "dateFrom", "2026-01-10"),
            List.of(p("=", col("id"), str("abc"))),
            with(BROWSE, "dateFrom", "2026-01-10"),
            ONE,
            1,
            false),
        c(
            "too many ids stay with Spark",
            BROWSE,
            List.of(
                in(
                    "id",
                    Stream.iterate(0, i -> i + 1)
                        .limit(101)
                        .map(String::valueOf)
                        .toArray(String[]::new))),
            BROWSE,
            ONE,
            1,
            false),
        c(
            "null literal in IN matches nothing",
            BROWSE,
            List.of(in("type", "image", null)),
            with(BROWSE, "type", "image"),
            ONE,
            0,
            false));
  }
}
