package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * Translates Spark's V2 predicates into a narrower {@link MediaQuery}, one rule per column: {@link
 * TypeRule}, {@link IdRule}, {@link CreatedAtRule}, {@link PathRule}, {@link TagRule}.
 *
 * <p>A predicate leaves Spark's plan only where the API applies it with exactly Spark's semantics;
 * otherwise it is sent as a pre-filter and Spark evaluates it again. Everything else (NOT, other
 * tag predicates, nested fields, other columns) stays with Spark. With ids looked up, Spark keeps
 * every predicate: a server may answer {@code mediaId} with the item whatever the other parameters
 * say.
 */
public final class FilterTranslator {

  /** More ids than this are not worth one request each: they stay with Spark. */
  public static final int MAX_IDS = IdRule.MAX_IDS;

  private static final List<ColumnRule> RULES =
      List.of(new TagRule(), new PathRule(), new TypeRule(), new IdRule(), new CreatedAtRule());

  private FilterTranslator() {}

  /**
   * @param base the query the options ask for
   * @param predicates the conjuncts Spark offers
   */
  public static PushedFilters translate(MediaQuery base, Predicate[] predicates) {
    Narrowing query = new Narrowing(base);
    Map<Predicate, Outcome> outcomes = new LinkedHashMap<>();
    Set<String> exactColumns = new LinkedHashSet<>();
    for (Predicate predicate : predicates) {
      if (!predicate.name().equals("IS_NOT_NULL")) {
        Outcome outcome = apply(predicate, query);
        outcomes.put(predicate, outcome);
        if (outcome == Outcome.EXACT) {
          exactColumns.addAll(Predicates.columns(predicate));
        }
      }
    }
    List<Predicate> pushed = new ArrayList<>();
    List<Predicate> residual = new ArrayList<>();
    for (Predicate predicate : predicates) {
      Set<String> columns = Predicates.columns(predicate);
      // Spark adds "c IS NOT NULL" beside every comparison on c: an exact comparison implies it.
      Outcome outcome =
          outcomes.getOrDefault(
              predicate,
              !columns.isEmpty() && exactColumns.containsAll(columns)
                  ? Outcome.EXACT
                  : Outcome.NOT_PUSHED);
      if (outcome != Outcome.NOT_PUSHED) {
        pushed.add(predicate);
      }
      if (outcome != Outcome.EXACT || query.ids != null) {
        residual.add(predicate);
      }
    }
    MediaQuery narrowed = query.query();
    List<MediaQuery> alternatives = List.of(narrowed);
    if (query.types != null && query.types.size() > 1 && !query.typeFixed) {
      alternatives = expand(alternatives, query.types, MediaQuery::withType);
    }
    if (query.ids != null) {
      alternatives = expand(alternatives, query.ids, MediaQuery::withMediaId);
    }
    boolean none = query.none();
    return new PushedFilters(narrowed, none ? List.of() : alternatives, none, pushed, residual);
  }

  /** AND of rules' outcomes; otherwise the first rule that knows the predicate. */
  private static Outcome apply(Predicate predicate, Narrowing query) {
    if (predicate instanceof And and) {
      Outcome left = apply(and.left(), query);
      Outcome right = apply(and.right(), query);
      if (left == Outcome.EXACT && right == Outcome.EXACT) {
        return Outcome.EXACT;
      }
      return left == Outcome.NOT_PUSHED && right == Outcome.NOT_PUSHED
          ? Outcome.NOT_PUSHED
          : Outcome.PREFILTER;
    }
    for (ColumnRule rule : RULES) {
      Outcome outcome = rule.apply(predicate, query);
      if (outcome != null) {
        return outcome;
      }
    }
    return Outcome.NOT_PUSHED;
  }

  private static List<MediaQuery> expand(
      List<MediaQuery> queries,
      Set<String> values,
      java.util.function.BiFunction<MediaQuery, String, MediaQuery> with) {
    List<MediaQuery> expanded = new ArrayList<>();
    for (MediaQuery query : queries) {
      for (String value : values) {
        expanded.add(with.apply(query, value));
      }
    }
    return expanded;
  }
}
