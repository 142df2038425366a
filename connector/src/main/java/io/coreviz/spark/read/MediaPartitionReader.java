package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.CoreVizException;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a partition's segments one after the other, page by page, each with a {@link Cursor}:
 * {@link AnchoredCursor} for whole segments sorted oldest first (exact while the collection
 * changes), {@link OffsetCursor} otherwise. The first request is sent on the first {@link #next()};
 * from then on the following page is in flight while Spark consumes the current one, so at most two
 * pages are held. Rows are de-duplicated by id within the partition.
 */
final class MediaPartitionReader implements PartitionReader<InternalRow> {

  /** Checks each row as it is read, e.g. that a pushed sort order holds. */
  interface RowCheck {
    void check(InternalRow row, MediaRequest request);

    /** Called when a new segment starts. */
    default void reset() {}

    RowCheck NONE = (row, request) -> {};
  }

  private static final List<String> TRAILING = List.of("id", "createdAt");

  private final CoreVizClient client;
  private final MediaRequest query;
  private final int pageSize;
  private final MediaPartition partition;
  private final MediaRowReader rows;
  private final RowCheck check;
  private final int width;
  private final Set<String> seen = new HashSet<>();

  private int segmentIndex = -1;
  private Cursor cursor;
  private CompletableFuture<MediaPage<InternalRow>> inFlight;
  private MediaRequest inFlightRequest;
  private MediaRequest pageRequest;
  private Iterator<InternalRow> page;
  private InternalRow current;
  private boolean closed;
  private long rowsRead;
  private long duplicates;
  private long realignedBefore;

  MediaPartitionReader(
      CoreVizClient client,
      MediaRequest query,
      int pageSize,
      MediaPartition partition,
      StructType readSchema,
      RowCheck check) {
    this.client = client;
    this.query = query;
    this.pageSize = pageSize;
    this.partition = partition;
    this.rows = new MediaRowReader(readSchema, TRAILING);
    this.width = readSchema.size();
    this.check = check;
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
    while (true) {
      while (page != null && page.hasNext()) {
        InternalRow row = page.next();
        if (!seen.add(row.getUTF8String(width).toString())) {
          duplicates++;
          continue;
        }
        check.check(row, pageRequest);
        rowsRead++;
        current = new GenericInternalRow(Arrays.copyOf(((GenericInternalRow) row).values(), width));
        return true;
      }
      if (inFlight == null && !send()) {
        current = null;
        return false;
      }
      page = take().iterator();
    }
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
    if (inFlight != null) {
      inFlight.cancel(true);
      inFlight = null;
    }
  }

  /** Reads so far: requests, retries, 429s, time throttled, bytes, rows, duplicates, re-aligns. */
  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    RequestStats stats = client.stats();
    long realigned = realignedBefore + (cursor == null ? 0 : cursor.realigned());
    return ScanMetrics.values(stats, rowsRead, duplicates, realigned);
  }

  /** Sends the next request of this segment, or of the next segments; false when all are done. */
  private boolean send() {
    while (true) {
      MediaRequest request = cursor == null ? null : cursor.next();
      if (request != null) {
        inFlightRequest = request;
        inFlight = client.fetchAsync(request, rows);
        return true;
      }
      if (!startNextSegment()) {
        return false;
      }
    }
  }

  private boolean startNextSegment() {
    segmentIndex++;
    if (segmentIndex >= partition.segments().size()) {
      return false;
    }
    if (cursor != null) {
      realignedBefore += cursor.realigned();
    }
    Segment segment = partition.segments().get(segmentIndex);
    MediaRequest segmentQuery = query.with(segment.params());
    boolean oldestFirst =
        "createdAt".equals(segmentQuery.params().get("sortBy"))
            && "asc".equals(segmentQuery.params().get("sortDirection"));
    cursor =
        oldestFirst && !segment.exact() && segment.limit() == Long.MAX_VALUE
            ? new AnchoredCursor(
                segmentQuery,
                segment.offset(),
                segment.fromKey(),
                segment.toKey(),
                pageSize,
                width,
                width + 1)
            : new OffsetCursor(segmentQuery, segment, pageSize);
    check.reset();
    return true;
  }

  /** Waits for the page in flight, and sends the next request while Spark consumes this page. */
  private List<InternalRow> take() {
    MediaRequest asked = inFlightRequest;
    MediaPage<InternalRow> received = await(inFlight);
    inFlight = null;
    List<InternalRow> emit = cursor.accept(received);
    MediaRequest following = cursor.next();
    if (following != null) {
      inFlightRequest = following;
      inFlight = client.fetchAsync(following, rows);
    }
    pageRequest = asked;
    return emit;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for a CoreViz page");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CoreVizException cause) {
        throw cause;
      }
      throw new CoreVizException("reading a CoreViz page failed: " + e.getCause(), e.getCause());
    }
  }
}
