package io.coreviz.spark.read.pushdown;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * What a scan's filters became.
 *
 * @param params query parameters every request of the scan carries (options plus pushed filters)
 * @param alternatives one entry per request set the scan is the union of ({@code type IN (…)}
 *     becomes one per type, {@code id IN (…)} one per id); a single empty map when there is one,
 *     none when the scan is empty
 * @param empty the filters cannot match any item, so no request is needed
 * @param pushed the predicates the API applies, exactly or as a pre-filter
 * @param residual the predicates Spark evaluates after the scan
 */
public record PushedFilters(
    Map<String, String> params,
    List<Map<String, String>> alternatives,
    boolean empty,
    List<Predicate> pushed,
    List<Predicate> residual) {

  public PushedFilters {
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params)); // keeps the query's order
    alternatives = List.copyOf(alternatives);
    pushed = List.copyOf(pushed);
    residual = List.copyOf(residual);
  }

  /** True when Spark has nothing left to evaluate: the API's answer is the exact result. */
  public boolean complete() {
    return residual.isEmpty();
  }
}
