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
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven translation: Spark predicates in, the narrowed query's parameters, its alternatives
 * and the predicates Spark keeps out. Each subclass is one rule's table ({@code cases()}).
 */
abstract class TranslationTable {

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

  /** The parameters of an alternative that the scan's query lacks or sets otherwise. */
  static Map<String, String> differences(MediaQuery alternative, MediaQuery query) {
    Map<String, String> base = query.params();
    Map<String, String> differ = new LinkedHashMap<>();
    alternative
        .params()
        .forEach(
            (name, value) -> {
              if (!value.equals(base.get(name))) {
                differ.put(name, value);
              }
            });
    return differ;
  }

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
    assertThat(result.alternatives().stream().map(q -> differences(q, result.query())).toList())
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
