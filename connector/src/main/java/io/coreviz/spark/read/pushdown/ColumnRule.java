package io.coreviz.spark.read.pushdown;

import org.apache.spark.sql.connector.expressions.filter.Predicate;

/** What the API can do with predicates on one column. */
interface ColumnRule {

  /**
   * Narrows {@code query} by {@code predicate} where this rule knows it; null where the predicate
   * is not this rule's.
   */
  Outcome apply(Predicate predicate, Narrowing query);
}
