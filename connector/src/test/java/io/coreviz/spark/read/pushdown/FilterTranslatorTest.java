package io.coreviz.spark.read.pushdown;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.client.MediaQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Not;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven, one table per pushdown rule: Spark predicates in; the narrowed query's parameters,
 * its alternatives and the predicates Spark keeps out.
 */
class FilterTranslatorTest {

  static final String ROOT = "c0ffee00c0ffee00c0ffee00c0ffee00";
  static final Map<String, String> BROWSE =
      Map.of("recursive", "true", "sortBy", "createdAt", "sortDirection", "asc");

  static Expression col(String name) {
    return Expressions.column(name);
  }

  static Expression str(String value) {
    return new LiteralValue<>(
        value == null ? null : UTF8String.fromString(value), DataTypes.StringType);
  }

  static Expression ts(String instant) {
    Instant at = Instant.parse(instant);
    return new LiteralValue<>(
        ChronoUnit.MICROS.between(Instant.EPOCH, at), DataTypes.TimestampType);
  }

  static Predicate p(String name, Expression... children) {
    return new Predicate(name, children);
  }

  static Predicate in(String column, String... values) {
    Expression[] children = new Expression[values.length + 1];
    children[0] = col(column);
    for (int i = 0; i < values.length; i++) {
      children[i + 1] = str(values[i]);
    }
    return new Predicate("IN", children);
  }

  static Predicate fn(String name, Expression... args) {
    return new Predicate(
        "=",
        new Expression[] {
          new UserDefinedScalarFunc(name, "coreviz." + name, args),
          new LiteralValue<>(true, DataTypes.BooleanType)
        });
  }

  static Predicate hasTag(String group, String value) {
    return fn("has_tag", col("metadata.tags"), str(group), str(value));
  }

  static Expression strings(String... values) {
    Object[] utf8 = new Object[values.length];
    for (int i = 0; i < values.length; i++) {
      utf8[i] = UTF8String.fromString(values[i]);
    }
    return new LiteralValue<>(
        new GenericArrayData(utf8), DataTypes.createArrayType(DataTypes.StringType));
  }

  /** A case: predicates, the options' parameters, and what must come out. */
  static Arguments c(
      String name,
      Map<String, String> base,
      List<Predicate> predicates,
      Map<String, String> params,
      List<Map<String, String>> alternatives,
      int residual,
      boolean empty) {
    return Arguments.of(name, base, predicates, params, alternatives, residual, empty);
  }

  static Map<String, String> with(Map<String, String> base, String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>(base);
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  static final List<Map<String, String>> ONE = List.of(Map.of());

  /** The options' query, from the parameters a case writes. */
  static MediaQuery query(Map<String, String> base) {
    Map<String, Set<String>> tagFilters = new LinkedHashMap<>();
    if (base.containsKey("tagFilters")) {
      try {
        new ObjectMapper()
            .readTree(base.get("tagFilters"))
            .properties()
            .forEach(
                group -> {
                  Set<String> values = new LinkedHashSet<>();
                  group.getValue().forEach(v -> values.add(v.asText()));
                  tagFilters.put(group.getKey(), values);
                });
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return MediaQuery.of(ROOT)
        .withPath(base.get("path"), Boolean.parseBoolean(base.get("recursive")))
        .withType(base.get("type"))
        .withDates(day(base.get("dateFrom")), day(base.get("dateTo")))
        .withTags(List.of(), tagFilters)
        .withMediaId(base.get("mediaId"))
        .withSort(
            new MediaQuery.Sort(
                base.getOrDefault("sortBy", "createdAt"),
                !"desc".equals(base.get("sortDirection"))));
  }

  static LocalDate day(String text) {
    return text == null ? null : LocalDate.parse(text);
  }

  /** Runs a table: each nested class lists its rule's cases in {@code cases()}. */
  abstract static class RuleTable {

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translates(
        String name,
        Map<String, String> base,
        List<Predicate> predicates,
        Map<String, String> params,
        List<Map<String, String>> alternatives,
        int residual,
        boolean empty) {
      PushedFilters result =
          FilterTranslator.translate(query(base), predicates.toArray(new Predicate[0]));

      assertThat(result.query().params()).as("params").isEqualTo(params);
      assertThat(result.alternatives().stream().map(q -> q.paramsBeyond(result.query())).toList())
          .as("alternatives")
          .isEqualTo(alternatives);
      assertThat(result.residual()).as("residual").hasSize(residual);
      assertThat(result.empty()).as("empty").isEqualTo(empty);
      assertThat(result.pushed().size() + result.residual().size())
          .as("every predicate is pushed, kept, or both")
          .isGreaterThanOrEqualTo(predicates.size());
      assertThat(Arrays.asList(predicates.toArray())).containsAll(result.residual());
    }
  }

  /** {@link TypeRule}: type equality, IN and ORs. */
  @Nested
  class TypeRules extends RuleTable {

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
          c(
              "NOT type stays with Spark",
              BROWSE,
              List.of(new Not(typeImage)),
              BROWSE,
              ONE,
              1,
              false));
    }
  }

  /** {@link IdRule}: id lookups, and when they are not made. */
  @Nested
  class IdRules extends RuleTable {

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

  /** {@link CreatedAtRule}: createdAt comparisons as widened day bounds, kept in Spark. */
  @Nested
  class CreatedAtRules extends RuleTable {

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

  /** {@link PathRule}: path prefixes, equality and in_folder. */
  @Nested
  class PathRules extends RuleTable {

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

  /** {@link TagRule}: has_tag and has_any_tag as tagFilters. */
  @Nested
  class TagRules extends RuleTable {

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

  /** {@link FilterTranslator}: how rules combine (AND, IS NOT NULL) and what no rule takes. */
  @Nested
  class Combinations extends RuleTable {

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
}
