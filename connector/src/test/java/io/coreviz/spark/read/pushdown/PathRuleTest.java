package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.junit.jupiter.params.provider.Arguments;

/** {@link PathRule}: path prefixes, equality and in_folder. */
class PathRuleTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            "path prefix ending in a dot is an exact subtree",
            BROWSE,
            List.of(p("STARTS_WITH", col("path"), str(ROOT + ".f1."))),
            with(BROWSE, "path", ROOT + ".f1"),
            ONE,
            0,
            false),
        c(
            "path prefix with a partial label pushes its parent",
            BROWSE,
            List.of(p("STARTS_WITH", col("path"), str(ROOT + ".f1.ab"))),
            with(BROWSE, "path", ROOT + ".f1"),
            ONE,
            1,
            false),
        c(
            "path prefix above the option's path is implied",
            with(BROWSE, "path", ROOT + ".f1.f2"),
            List.of(p("STARTS_WITH", col("path"), str(ROOT + ".f1."))),
            with(BROWSE, "path", ROOT + ".f1.f2"),
            ONE,
            0,
            false),
        c(
            "disjoint path prefix matches nothing",
            with(BROWSE, "path", ROOT + ".f1"),
            List.of(p("STARTS_WITH", col("path"), str(ROOT + ".f2."))),
            with(BROWSE, "path", ROOT + ".f1"),
            List.of(),
            0,
            true),
        c(
            "path prefix on a one-level scan stays with Spark",
            with(BROWSE, "recursive", "false"),
            List.of(p("STARTS_WITH", col("path"), str(ROOT + ".f1."))),
            with(BROWSE, "recursive", "false"),
            ONE,
            1,
            false),
        c(
            "path equality lists its parent one level",
            BROWSE,
            List.of(p("=", col("path"), str(ROOT + ".f1.item"))),
            with(BROWSE, "path", ROOT + ".f1", "recursive", "false"),
            ONE,
            1,
            false),
        c(
            "in_folder is an exact subtree",
            BROWSE,
            List.of(fn("in_folder", col("path"), str(ROOT + ".f1"))),
            with(BROWSE, "path", ROOT + ".f1"),
            ONE,
            0,
            false));
  }
}
