package io.coreviz.spark.read.pushdown;

import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.params.provider.Arguments;

/** {@link FilterTranslator}: how rules combine (AND, IS NOT NULL) and what no rule takes. */
class FilterTranslatorTest extends TranslationTable {

  static Stream<Arguments> cases() {
    Predicate typeImage = p("=", col("type"), str("image"));
    return Stream.of(
        c(
            "other columns stay with Spark",
            BROWSE,
            List.of(
                p(">", col("width"), new LiteralValue<>(300, DataTypes.IntegerType)),
                p("IS_NULL", col("duration"))),
            BROWSE,
            ONE,
            2,
            false),
        c(
            "IS NOT NULL beside an exact comparison is implied",
            BROWSE,
            List.of(typeImage, p("IS_NOT_NULL", col("type"))),
            with(BROWSE, "type", "image"),
            ONE,
            0,
            false),
        c(
            "IS NOT NULL beside a pre-filter stays with Spark",
            BROWSE,
            List.of(
                p("IS_NOT_NULL", col("createdAt")),
                p(">=", col("createdAt"), ts("2026-02-01T10:00:00Z"))),
            with(BROWSE, "dateFrom", "2026-01-31"),
            ONE,
            2,
            false),
        c(
            "IS NOT NULL alone stays with Spark",
            BROWSE,
            List.of(p("IS_NOT_NULL", col("width"))),
            BROWSE,
            ONE,
            1,
            false),
        c(
            "AND of exact parts is exact",
            BROWSE,
            List.of(new And(typeImage, fn("in_folder", col("path"), str(ROOT + ".f1")))),
            with(BROWSE, "path", ROOT + ".f1", "type", "image"),
            ONE,
            0,
            false),
        c(
            "AND of an exact and a pre-filter part is a pre-filter",
            BROWSE,
            List.of(new And(typeImage, p(">=", col("createdAt"), ts("2026-02-01T00:00:00Z")))),
            with(BROWSE, "type", "image", "dateFrom", "2026-01-31"),
            ONE,
            1,
            false));
  }
}
