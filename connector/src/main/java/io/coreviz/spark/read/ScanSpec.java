package io.coreviz.spark.read;

import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.options.CoreVizOptions;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.read.pushdown.PushedFilters;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * Everything one scan asks of the API, fixed when the scan is built: the query with its pushed
 * filters, the queries it is the union of, a pushed limit or top-N, whether only the count is
 * wanted, and the columns to read. Sent to executors inside the reader factory: only what they
 * need, never the options.
 *
 * @param client where and as whom requests go
 * @param concurrency the most requests a task keeps in flight
 * @param query the query every request carries
 * @param queries the queries the scan is the union of (one per type or id of an {@code IN}); none
 *     when the filters match nothing
 * @param limit the most rows wanted from each query (pushed LIMIT or top-N), or null
 * @param order the pushed top-N order, checked on every row read, or null
 * @param countOnly true when the scan answers {@code count(*)} from {@code pagination.total}
 * @param readSchema the columns each row holds
 * @param residual the filters Spark still evaluates, for {@code explain()}
 * @param content how the hidden content columns are read, where {@code readSchema} has them
 */
record ScanSpec(
    ClientSettings client,
    int pageSize,
    int concurrency,
    int numPartitions,
    MediaQuery query,
    List<MediaQuery> queries,
    Integer limit,
    Order order,
    boolean countOnly,
    StructType readSchema,
    List<String> residual,
    Content content)
    implements Serializable {

  /** A pushed sort: a column and its direction. */
  record Order(String column, boolean ascending) implements Serializable {}

  /**
   * The largest blob the content column holds, and whether a blob that cannot be fails the task.
   */
  record Content(int maxBytes, boolean strict) implements Serializable {}

  ScanSpec {
    queries = List.copyOf(queries);
    residual = List.copyOf(residual);
  }

  /**
   * The scan of {@code filters}' queries: only {@code count(*)} when {@code count} is set, else the
   * first {@code limit} rows (all when null), sorted by the API in {@code order} when that is set.
   */
  static ScanSpec of(
      ReadOptions options,
      PushedFilters filters,
      StructType schema,
      Integer limit,
      Order order,
      boolean count) {
    MediaQuery query = filters.query();
    List<MediaQuery> queries = filters.alternatives();
    if (order != null) {
      MediaQuery.Sort sort = new MediaQuery.Sort(order.column(), order.ascending());
      query = query.withSort(sort);
      queries = queries.stream().map(q -> q.withSort(sort)).toList();
    }
    return new ScanSpec(
        options.client(),
        options.pageSize(),
        options.value(CoreVizOptions.MAX_CONCURRENT_REQUESTS),
        options.numPartitions(),
        query,
        queries,
        limit,
        order,
        count,
        schema,
        filters.residual().stream().map(Object::toString).toList(),
        new Content(
            options.value(CoreVizOptions.MAX_CONTENT_BYTES),
            options.value(CoreVizOptions.STRICT_CONTENT)));
  }

  /** What {@code explain()} shows: the requests, never credentials. */
  String describe(String planner) {
    StringBuilder text =
        new StringBuilder("CoreViz ")
            .append(client.endpoint())
            .append(" GET ")
            .append(query.request().pathAndQuery());
    if (queries.isEmpty()) {
      text.append(" [no request: the filters match nothing]");
    } else if (queries.size() > 1 || !queries.get(0).equals(query)) {
      text.append(" [union of ").append(queries.size()).append(": ");
      text.append(
          String.join(" | ", queries.stream().map(q -> q.paramsBeyond(query).toString()).toList()));
      text.append(']');
    }
    if (countOnly) {
      text.append(" [count(*) from pagination.total, checked]");
    } else if (order != null) {
      text.append(" [top ")
          .append(limit)
          .append(" by ")
          .append(order.column())
          .append(order.ascending() ? " asc" : " desc")
          .append(']');
    } else if (limit != null) {
      text.append(" [limit ").append(limit).append(']');
    } else {
      text.append(" [partitionBy=").append(planner).append(']');
    }
    text.append(" [pageSize=").append(pageSize).append(']');
    if (!residual.isEmpty()) {
      text.append(" [kept in Spark: ").append(String.join(", ", residual)).append(']');
    }
    return text.toString();
  }
}
