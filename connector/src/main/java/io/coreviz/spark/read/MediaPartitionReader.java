package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.read.planning.MediaPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;

/**
 * A partition's rows for Spark: pages from its {@link RequestPipeline} (which sends the requests,
 * several at once, each segment walked by its {@link Cursor}), each row checked and taken once by
 * id ({@link Distinct}), its hidden content columns fetched where the query reads them ({@link
 * ContentColumns}), and the task's metrics ({@link ReadTally}, the client's request counts).
 * Nothing is sent before the first {@link #next()}.
 */
final class MediaPartitionReader implements PartitionReader<InternalRow> {

  /** Checks each row of a segment as it is read, e.g. that a pushed sort order holds. */
  interface RowCheck {
    void check(InternalRow row, MediaRequest request);

    RowCheck NONE = (row, request) -> {};
  }

  /** Columns every row carries after the query's own, for the walk and the scope check. */
  private static final List<String> TRAILING =
      List.of("id", MediaSchema.CREATED_AT, "path", "type", "_score");

  /**
   * After {@link #TRAILING} where the query reads the content columns: what they are fetched by.
   */
  private static final List<String> FOR_CONTENT = List.of("blob", "sizeBytes", "width", "height");

  /**
   * The columns rows carry after the query's own, in their order: for the walk and the scope check,
   * and with {@code content} what the content columns are fetched by.
   */
  static List<String> trailing(boolean content) {
    if (!content) {
      return TRAILING;
    }
    List<String> trailing = new ArrayList<>(TRAILING);
    trailing.addAll(FOR_CONTENT);
    return trailing;
  }

  private final CoreVizClient client;
  private final MediaPartition partition;
  private final RequestPipeline pipeline;
  private final int width;
  private final ContentColumns content;
  private final Distinct distinct = new Distinct();
  private Iterator<InternalRow> rows = Collections.emptyIterator();
  private RequestPipeline.Page page;
  private InternalRow current;
  private boolean done;
  private boolean closed;
  private long rowsRead;

  MediaPartitionReader(
      CoreVizClient client,
      int pageSize,
      int concurrency,
      MediaPartition partition,
      StructType readSchema,
      Supplier<RowCheck> checks,
      ContentColumns content) {
    this.client = client;
    this.partition = partition;
    this.width = readSchema.size();
    this.content = content;
    this.pipeline =
        new RequestPipeline(
            client,
            pageSize,
            concurrency,
            partition,
            new MediaRowReader(readSchema, trailing(content != null)),
            width,
            checks);
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
    current = content == null ? nextRow() : content.next(this::nextRow);
    return current != null;
  }

  /** The next row read once and checked, its content columns not filled yet; null at the end. */
  private InternalRow nextRow() {
    while (!done) {
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        if (!distinct.first(row.getUTF8String(width))) {
          continue;
        }
        page.check().check(row, page.request());
        rowsRead++;
        // The row keeps its trailing columns: Spark reads the scan's columns by ordinal, and
        // copying the rest away cost an array and a row per item.
        return row;
      }
      page = pipeline.take();
      if (page == null) {
        done = true;
      } else {
        rows = page.rows().iterator();
      }
    }
    return null;
  }

  @Override
  public InternalRow get() {
    if (current == null) {
      throw new IllegalStateException("next() has not returned true");
    }
    return current;
  }

  @Override
  public void close() {
    closed = true;
    pipeline.close();
    if (content != null) {
      content.close();
    }
  }

  /** Requests out now: for tests that wait until the reader is quiet. */
  int outstanding() {
    return pipeline.outstanding();
  }

  /** Reads so far: requests, retries, 429s, time throttled, bytes, rows, duplicates, re-aligns. */
  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    ReadTally.Counts counts = pipeline.counts();
    return ScanMetrics.values(
        client.stats(),
        rowsRead,
        distinct.repeats(),
        counts.realigned(),
        counts.outsideQuery(),
        counts.offPlan());
  }
}
