package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.functions.CatalogFunction;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;

/** Shapes of Spark's V2 predicates the rules look for. */
final class Predicates {

  private Predicates() {}

  /**
   * The string values a predicate allows for {@code column}: {@code column = 'v'}, {@code column IN
   * (…)}, or an OR of those; null when it is anything else. Null literals match nothing.
   */
  static Set<String> values(Predicate predicate, String column) {
    if (predicate instanceof Or or) {
      Set<String> left = values(or.left(), column);
      Set<String> right = values(or.right(), column);
      if (left == null || right == null) {
        return null;
      }
      left.addAll(right);
      return left;
    }
    Expression[] children = predicate.children();
    boolean equality = predicate.name().equals("=") || predicate.name().equals("<=>");
    if (!(equality || predicate.name().equals("IN")) || children.length < 2) {
      return null;
    }
    int ref = isColumn(children[0], column) ? 0 : -1;
    if (ref < 0 && equality && isColumn(children[1], column)) {
      ref = 1;
    }
    if (ref < 0) {
      return null;
    }
    Set<String> values = new LinkedHashSet<>();
    for (int i = 0; i < children.length; i++) {
      if (i == ref) {
        continue;
      }
      if (!(children[i] instanceof Literal<?> literal)
          || !literal.dataType().equals(DataTypes.StringType)) {
        return null;
      }
      if (literal.value() != null) {
        values.add(literal.value().toString());
      }
    }
    return values;
  }

  /** The top-level columns a predicate references. */
  static Set<String> columns(Expression expression) {
    Set<String> columns = new LinkedHashSet<>();
    for (NamedReference ref : expression.references()) {
      columns.add(String.join(".", ref.fieldNames()));
    }
    return columns;
  }

  /** True when {@code expression} is the column (or nested field, dotted) {@code column}. */
  static boolean isColumn(Expression expression, String column) {
    return expression instanceof NamedReference ref
        && String.join(".", ref.fieldNames()).equals(column);
  }

  /** A connector function used as a predicate: Spark sends {@code f(…) = true}. */
  static UserDefinedScalarFunc call(Predicate predicate) {
    Expression[] children = predicate.children();
    if (predicate.name().equals("=")
        && children.length == 2
        && children[0] instanceof UserDefinedScalarFunc call
        && children[1] instanceof Literal<?> literal
        && Boolean.TRUE.equals(literal.value())) {
      return call;
    }
    return null;
  }

  /** True when {@code call} is {@code function}. */
  static boolean is(UserDefinedScalarFunc call, CatalogFunction function) {
    return call != null && call.canonicalName().equals(function.canonicalName());
  }
}
