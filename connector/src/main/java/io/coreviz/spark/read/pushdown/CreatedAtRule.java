package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.convert.MediaSchema;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code createdAt} compared with a timestamp, either way round: {@code dateFrom}/{@code dateTo}
 * widened to a superset under any reading of the API's days (a day earlier, two days later),
 * pre-filter only: the API page names no zone, and servers implement "inclusive" loosely.
 */
final class CreatedAtRule implements ColumnRule {

  private static final long MICROS_PER_DAY = 86_400_000_000L;

  @Override
  public Outcome apply(Predicate predicate, Narrowing query) {
    Expression[] children = predicate.children();
    if (children.length != 2) {
      return null;
    }
    String op = predicate.name();
    Expression value = children[1];
    if (!Predicates.isColumn(children[0], MediaSchema.CREATED_AT)) {
      if (!Predicates.isColumn(children[1], MediaSchema.CREATED_AT)) {
        return null;
      }
      value = children[0];
      op = flip(op);
    }
    if (op == null
        || !(value instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.TimestampType)
        || !(literal.value() instanceof Long micros)) {
      return null;
    }
    LocalDate day =
        LocalDate.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    boolean midnight = Math.floorMod(micros, MICROS_PER_DAY) == 0;
    return switch (op) {
      case ">=", ">" -> lower(query, day);
      case "<" -> upper(query, midnight ? day.minusDays(1) : day);
      case "<=" -> upper(query, day);
      case "=", "<=>" -> {
        lower(query, day);
        yield upper(query, day);
      }
      default -> null;
    };
  }

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      case "=", "<=>" -> op;
      default -> null;
    };
  }

  /**
   * Items on UTC day {@code day} or later are wanted. The API page does not say in which zone its
   * days are, so {@code dateFrom} is the day before: a superset under any zone within ±24 h. The
   * exact comparison stays in Spark.
   */
  private static Outcome lower(Narrowing query, LocalDate day) {
    LocalDate widened = day.minusDays(1);
    query.from = query.from == null || widened.isAfter(query.from) ? widened : query.from;
    return Outcome.PREFILTER;
  }

  /**
   * Items up to UTC day {@code day} are wanted: {@code dateTo} two days later is a superset under
   * any zone within ±24 h, also where a server's {@code dateTo} excludes its own day (a {@code
   * createdAt <= dateTo} at midnight). The exact comparison stays in Spark.
   */
  private static Outcome upper(Narrowing query, LocalDate day) {
    LocalDate widened = day.plusDays(2);
    query.to = query.to == null || widened.isBefore(query.to) ? widened : query.to;
    return Outcome.PREFILTER;
  }
}
