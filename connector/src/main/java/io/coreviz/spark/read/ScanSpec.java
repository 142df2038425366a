package io.coreviz.spark.read;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.read.pushdown.PushedFilters;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;

/**
 * Everything one scan asks of the API, fixed when the scan is built: the query with its pushed
 * parameters, the request sets it is the union of, a pushed limit or top-N, whether only the count
 * is wanted, and the columns to read. Sent to executors inside the reader factory.
 *
 * @param request the query every request carries
 * @param alternatives the request sets the scan is the union of (one per type or id of an {@code
 *     IN}); a single empty map for one; none when the filters match nothing
 * @param limit the most rows wanted from each request set (pushed LIMIT or top-N), or null
 * @param order the pushed top-N order, checked on every row read, or null
 * @param countOnly true when the scan answers {@code count(*)} from {@code pagination.total}
 * @param readSchema the columns each row holds
 * @param residual the filters Spark still evaluates, for {@code explain()}
 */
record ScanSpec(
    ReadOptions options,
    MediaRequest request,
    List<Map<String, String>> alternatives,
    Integer limit,
    Order order,
    boolean countOnly,
    StructType readSchema,
    List<String> residual)
    implements Serializable {

  /** A pushed sort: a column and its direction. */
  record Order(String column, boolean ascending) implements Serializable {}

  ScanSpec {
    alternatives = List.copyOf(alternatives);
    residual = List.copyOf(residual);
  }

  static ScanSpec of(ReadOptions options, PushedFilters filters, StructType schema) {
    MediaRequest request = MediaRequest.of(options.collectionId()).with(filters.params());
    List<String> residual = filters.residual().stream().map(Object::toString).toList();
    return new ScanSpec(
        options, request, filters.alternatives(), null, null, false, schema, residual);
  }

  ScanSpec withLimit(int rows) {
    return new ScanSpec(
        options, request, alternatives, rows, order, countOnly, readSchema, residual);
  }

  ScanSpec withTopN(Order by, int rows) {
    MediaRequest sorted =
        options.scored()
            ? request
            : request
                .with("sortBy", by.column())
                .with("sortDirection", by.ascending() ? "asc" : "desc");
    return new ScanSpec(options, sorted, alternatives, rows, by, countOnly, readSchema, residual);
  }

  ScanSpec forCount(StructType countSchema) {
    return new ScanSpec(options, request, alternatives, limit, order, true, countSchema, residual);
  }

  ScanSpec withReadSchema(StructType schema) {
    return new ScanSpec(options, request, alternatives, limit, order, countOnly, schema, residual);
  }

  /** The request sets of this scan, each as a full query. */
  List<MediaRequest> requests() {
    return alternatives.stream().map(this::withParams).toList();
  }

  MediaRequest withParams(Map<String, String> params) {
    return request.with(params);
  }

  /** What {@code explain()} shows: the requests, never credentials. */
  String describe(String planner) {
    StringBuilder text =
        new StringBuilder("CoreViz ")
            .append(options.endpoint())
            .append(" GET ")
            .append(request.pathAndQuery());
    if (alternatives.isEmpty()) {
      text.append(" [no request: the filters match nothing]");
    } else if (alternatives.size() > 1 || !alternatives.get(0).isEmpty()) {
      text.append(" [union of ").append(alternatives.size()).append(": ");
      text.append(String.join(" | ", alternatives.stream().map(Object::toString).toList()));
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
    text.append(" [pageSize=").append(options.pageSize()).append(']');
    if (!residual.isEmpty()) {
      text.append(" [kept in Spark: ").append(String.join(", ", residual)).append(']');
    }
    return text.toString();
  }
}
