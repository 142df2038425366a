package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.client.MediaQuery;
import java.util.List;
import org.apache.spark.sql.connector.expressions.filter.Predicate;

/**
 * What a scan's filters became.
 *
 * @param query the options' query narrowed by the pushed filters
 * @param alternatives the queries the scan is the union of: {@code query} alone, or one per type of
 *     a {@code type IN (…)} or id of an {@code id IN (…)}; none when the scan is empty
 * @param empty the filters cannot match any item, so no request is needed
 * @param pushed the predicates the API applies, exactly or as a pre-filter
 * @param residual the predicates Spark evaluates after the scan
 */
public record PushedFilters(
    MediaQuery query,
    List<MediaQuery> alternatives,
    boolean empty,
    List<Predicate> pushed,
    List<Predicate> residual) {

  public PushedFilters {
    alternatives = List.copyOf(alternatives);
    pushed = List.copyOf(pushed);
    residual = List.copyOf(residual);
  }

  /** True when Spark has nothing left to evaluate: the API's answer is the exact result. */
  public boolean complete() {
    return residual.isEmpty();
  }
}
