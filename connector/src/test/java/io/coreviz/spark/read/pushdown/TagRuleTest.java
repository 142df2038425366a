package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.params.provider.Arguments;

/** {@link TagRule}: has_tag and has_any_tag as tagFilters. */
class TagRuleTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            "has_tag is a tag filter",
            BROWSE,
            List.of(hasTag("color", "red")),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"]}"),
            ONE,
            0,
            false),
        c(
            "OR of has_tag on one group is OR within the group",
            BROWSE,
            List.of(new Or(hasTag("color", "red"), hasTag("color", "blue"))),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\",\"blue\"]}"),
            ONE,
            0,
            false),
        c(
            "has_tag on two groups is AND between groups",
            BROWSE,
            List.of(hasTag("color", "red"), hasTag("season", "summer")),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"],\"season\":[\"summer\"]}"),
            ONE,
            0,
            false),
        c(
            "has_any_tag lists the group's values",
            BROWSE,
            List.of(
                fn("has_any_tag", col("metadata.tags"), str("camera"), strings("dslr", "drone"))),
            with(BROWSE, "tagFilters", "{\"camera\":[\"dslr\",\"drone\"]}"),
            ONE,
            0,
            false),
        c(
            "two ANDed tags of one group stay with Spark for the second",
            BROWSE,
            List.of(hasTag("color", "red"), hasTag("color", "blue")),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"]}"),
            ONE,
            1,
            false),
        c(
            "OR across groups stays with Spark",
            BROWSE,
            List.of(new Or(hasTag("color", "red"), hasTag("season", "summer"))),
            BROWSE,
            ONE,
            1,
            false),
        c(
            "NOT has_tag stays with Spark",
            BROWSE,
            List.of(new Not(hasTag("color", "red"))),
            BROWSE,
            ONE,
            1,
            false),
        c(
            "a tag group the options filter already stays with Spark",
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"]}"),
            List.of(hasTag("color", "blue"), hasTag("season", "winter")),
            with(BROWSE, "tagFilters", "{\"color\":[\"red\"],\"season\":[\"winter\"]}"),
            ONE,
            1,
            false),
        c(
            "has_tag on another column stays with Spark",
            BROWSE,
            List.of(fn("has_tag", col("name"), str("color"), str("red"))),
            BROWSE,
            ONE,
            1,
            false));
  }
}
