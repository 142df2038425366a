package io.coreviz.spark.read.pushdown;

import java.util.Set;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * {@code type = 'image'}, {@code type IN (…)} and ORs of those, over the API's types: {@code type}
 * (one request set per type), exact. A row of another type can never match.
 */
final class TypeRule implements ColumnRule {

  static final Set<String> TYPES = Set.of("image", "video", "folder");

  @Override
  public Outcome apply(Predicate predicate, Narrowing query) {
    Set<String> values = Predicates.values(predicate, "type");
    if (values == null) {
      return null;
    }
    if (!TYPES.containsAll(values)) {
      return Outcome.NOT_PUSHED;
    }
    if (query.typeFixed) {
      // The API already returns only the option's type: the predicate is always true, or never.
      query.empty |= !values.contains(query.base.type());
      return Outcome.EXACT;
    }
    query.types = Narrowing.intersect(query.types, values);
    return Outcome.EXACT;
  }
}
