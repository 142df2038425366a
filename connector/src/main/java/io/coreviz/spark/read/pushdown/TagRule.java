package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.functions.CatalogFunction;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code coreviz.has_tag(metadata.tags, g, v)}, {@code coreviz.has_any_tag(…)} and ORs of those on
 * one group: {@code tagFilters}, exact. AND between groups and OR within one is what the API's
 * tagFilters means; a second predicate on a group already filtered (an AND within a group) is not
 * expressible and stays with Spark.
 */
final class TagRule implements ColumnRule {

  @Override
  public Outcome apply(Predicate predicate, Narrowing query) {
    Map.Entry<String, Set<String>> term = term(predicate);
    if (term == null) {
      return null;
    }
    if (query.tagFilters.containsKey(term.getKey())) {
      return Outcome.NOT_PUSHED;
    }
    query.tagFilters.put(term.getKey(), term.getValue());
    return Outcome.EXACT;
  }

  /** The group and values of a tag predicate, or an OR of those on one group; else null. */
  static Map.Entry<String, Set<String>> term(Predicate predicate) {
    if (predicate instanceof Or or) {
      Map.Entry<String, Set<String>> left = term(or.left());
      Map.Entry<String, Set<String>> right = term(or.right());
      if (left == null || right == null || !left.getKey().equals(right.getKey())) {
        return null;
      }
      Set<String> values = new LinkedHashSet<>(left.getValue());
      values.addAll(right.getValue());
      return Map.entry(left.getKey(), values);
    }
    UserDefinedScalarFunc call = Predicates.call(predicate);
    if (call == null
        || call.children().length != 3
        || !Predicates.isColumn(call.children()[0], "metadata.tags")) {
      return null;
    }
    if (!(call.children()[1] instanceof Literal<?> group)
        || group.value() == null
        || !(call.children()[2] instanceof Literal<?> value)
        || value.value() == null) {
      return null;
    }
    Set<String> values = new LinkedHashSet<>();
    if (Predicates.is(call, CatalogFunction.HAS_TAG)
        && value.dataType().equals(DataTypes.StringType)) {
      values.add(value.value().toString());
    } else if (Predicates.is(call, CatalogFunction.HAS_ANY_TAG)
        && value.value() instanceof ArrayData array) {
      for (int i = 0; i < array.numElements(); i++) {
        if (!array.isNullAt(i)) {
          values.add(array.getUTF8String(i).toString());
        }
      }
      if (values.isEmpty()) {
        return null;
      }
    } else {
      return null;
    }
    return Map.entry(group.value().toString(), values);
  }
}
