package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.params.provider.Arguments;

/** {@link TypeRule}: type equality, IN and ORs. */
class TypeRuleTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            "type equality is exact",
            BROWSE,
            List.of(typeImage),
            with(BROWSE, "type", "image"),
            ONE,
            0,
            false),
        c(
            "literal on the left",
            BROWSE,
            List.of(p("=", str("video"), col("type"))),
            with(BROWSE, "type", "video"),
            ONE,
            0,
            false),
        c(
            "type IN is one request set per type",
            BROWSE,
            List.of(in("type", "image", "video")),
            BROWSE,
            List.of(Map.of("type", "image"), Map.of("type", "video")),
            0,
            false),
        c(
            "OR of type equalities is an IN",
            BROWSE,
            List.of(new Or(typeImage, p("=", col("type"), str("folder")))),
            BROWSE,
            List.of(Map.of("type", "image"), Map.of("type", "folder")),
            0,
            false),
        c(
            "two type conjuncts intersect",
            BROWSE,
            List.of(in("type", "image", "video"), in("type", "video", "folder")),
            with(BROWSE, "type", "video"),
            ONE,
            0,
            false),
        c(
            "disjoint type conjuncts match nothing",
            BROWSE,
            List.of(typeImage, p("=", col("type"), str("video"))),
            BROWSE,
            List.of(),
            0,
            true),
        c(
            "unknown type value stays with Spark",
            BROWSE,
            List.of(p("=", col("type"), str("photo"))),
            BROWSE,
            ONE,
            1,
            false),
        c(
            "type option makes a matching predicate redundant",
            with(BROWSE, "type", "image"),
            List.of(in("type", "image", "video")),
            with(BROWSE, "type", "image"),
            ONE,
            0,
            false),
        c(
            "type option contradicting the predicate matches nothing",
            with(BROWSE, "type", "image"),
            List.of(p("=", col("type"), str("video"))),
            with(BROWSE, "type", "image"),
            List.of(),
            0,
            true),
        c(
            "type OR another column stays with Spark",
            BROWSE,
            List.of(new Or(typeImage, p("=", col("name"), str("a.jpg")))),
            BROWSE,
            ONE,
            1,
            false),
        c("NOT type stays with Spark", BROWSE, List.of(new Not(typeImage)), BROWSE, ONE, 1, false));
  }
}
