package io.coreviz.spark.read.pushdown;

import java.util.Set;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * {@code id = x}, {@code id IN (…)}: {@code mediaId}, one request per id (up to {@value #MAX_IDS}),
 * pre-filter only; with ids looked up, every other predicate stays with Spark too ({@link
 * FilterTranslator}). Not pushed where options set filters a row cannot be checked against.
 */
final class IdRule implements ColumnRule {

  /** More ids than this are not worth one request each: they stay with Spark. */
  static final int MAX_IDS = 100;

  @Override
  public Outcome apply(Predicate predicate, Narrowing query) {
    Set<String> values = Predicates.values(predicate, "id");
    if (values == null) {
      return null;
    }
    Set<String> narrowed = Narrowing.intersect(query.ids, values);
    if (query.idFixed || narrowed.size() > MAX_IDS || query.uncheckedOptions) {
      return Outcome.NOT_PUSHED;
    }
    query.ids = narrowed;
    return Outcome.PREFILTER;
  }
}
