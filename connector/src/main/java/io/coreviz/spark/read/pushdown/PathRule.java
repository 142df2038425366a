package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.functions.CatalogFunction;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code startswith(path, 'p.')}, {@code path LIKE 'p.%'} and {@code coreviz.in_folder(path, 'p')}:
 * {@code path=p} over the subtree, exact when the prefix is whole labels followed by a dot; a
 * partial last label pushes its parent as a pre-filter. {@code path = 'p.x'} lists {@code p} one
 * level, pre-filter.
 */
final class PathRule implements ColumnRule {

  @Override
  public Outcome apply(Predicate predicate, Narrowing query) {
    String folder = inFolder(predicate);
    if (folder != null) {
      return query.recursive ? subtree(query, folder, true) : Outcome.NOT_PUSHED;
    }
    Expression[] children = predicate.children();
    if (children.length != 2
        || !Predicates.isColumn(children[0], "path")
        || !(children[1] instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.StringType)
        || literal.value() == null) {
      return null;
    }
    String text = literal.value().toString();
    if (predicate.name().equals("STARTS_WITH") && query.recursive) {
      boolean whole = text.endsWith(".");
      String prefix = whole ? text.substring(0, text.length() - 1) : parent(text);
      return subtree(query, prefix, whole);
    }
    if (predicate.name().equals("=")
        && query.recursive
        && MediaQuery.LTREE.matcher(text).matches()) {
      String parent = parent(text);
      if (parent != null && within(parent, query.path)) {
        query.path = parent;
        query.recursive = false;
        return Outcome.PREFILTER;
      }
    }
    return Outcome.NOT_PUSHED;
  }

  /** The folder of {@code coreviz.in_folder(path, 'p')}, or null. */
  private static String inFolder(Predicate predicate) {
    UserDefinedScalarFunc call = Predicates.call(predicate);
    if (!Predicates.is(call, CatalogFunction.IN_FOLDER)
        || call.children().length != 2
        || !Predicates.isColumn(call.children()[0], "path")
        || !(call.children()[1] instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.StringType)
        || literal.value() == null) {
      return null;
    }
    return literal.value().toString();
  }

  /** Narrows the scan to the subtree under {@code prefix} when that is inside the current one. */
  private static Outcome subtree(Narrowing query, String prefix, boolean whole) {
    if (prefix == null || !MediaQuery.LTREE.matcher(prefix).matches()) {
      return Outcome.NOT_PUSHED;
    }
    if (within(prefix, query.path)) {
      query.path = prefix;
      return whole ? Outcome.EXACT : Outcome.PREFILTER;
    }
    if (within(query.path, prefix)) {
      // The scan is already inside the prefix: every row satisfies it.
      return whole ? Outcome.EXACT : Outcome.NOT_PUSHED;
    }
    if (whole) {
      query.empty = true; // disjoint subtrees
      return Outcome.EXACT;
    }
    return Outcome.NOT_PUSHED;
  }

  /** True when ltree {@code inner} equals {@code outer} or lies below it. */
  private static boolean within(String inner, String outer) {
    return inner.equals(outer) || inner.startsWith(outer + ".");
  }

  private static String parent(String text) {
    int dot = text.lastIndexOf('.');
    return dot < 0 ? null : text.substring(0, dot);
  }
}
