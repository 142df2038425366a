package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(MediaPartitionReader.class);

  /** Columns every row carries after the query's own, for the walk and the scope check. */
  private static final List<String> TRAILING =
      List.of("id", MediaSchema.CREATED_AT, "path", "type", "_score");

  private final CoreVizClient client;
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
  private Scope scope;
  private long droppedBefore;
  private long segmentRows;
  private long offPlan;

  MediaPartitionReader(
      CoreVizClient client,
      int pageSize,
      MediaPartition partition,
      StructType readSchema,
      RowCheck check) {
    this.client = client;
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
        segmentRows++;
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
    long dropped = droppedBefore + (scope == null ? 0 : scope.dropped());
    return ScanMetrics.values(stats, rowsRead, duplicates, realigned, dropped, offPlan);
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
    endSegment();
    segmentIndex++;
    if (segmentIndex >= partition.segments().size()) {
      return false;
    }
    Segment segment = partition.segments().get(segmentIndex);
    MediaQuery segmentQuery = segment.query();
    scope = Scope.of(segmentQuery, width + 2, width + 3);
    SortKey key = segment.exact() ? null : sortKey(segmentQuery);
    cursor =
        key != null
            ? new AnchoredCursor(
                segmentQuery,
                segment.offset(),
                segment.fromKey(),
                segment.toKey(),
                segment.limit(),
                pageSize,
                width,
                key,
                scope)
            : new OffsetCursor(segmentQuery, segment, pageSize, width, scope);
    segmentRows = 0;
    check.reset();
    return true;
  }

  /**
   * The order a segment can be walked by key, exact under ties in any order: relevance in scored
   * reads, {@code createdAt} either way in browse reads; null for other sorts (offset paging).
   */
  private SortKey sortKey(MediaQuery query) {
    if (query.scored()) {
      return SortKey.score(width + 4);
    }
    if (!query.sort().byCreatedAt()) {
      return null;
    }
    return SortKey.createdAt(width + 1, query.sort().ascending());
  }

  /** Accounts for the segment just read: metrics, and a count that differs from the plan's. */
  private void endSegment() {
    if (cursor == null) {
      return;
    }
    realignedBefore += cursor.realigned();
    droppedBefore += scope.dropped();
    Segment segment = partition.segments().get(segmentIndex);
    long received = segmentRows + scope.dropped();
    if (segment.expected() >= 0 && received != segment.expected()) {
      offPlan++;
      LOG.warn(
          "CoreViz returned {} items for {}, where planning counted {}: items were added or"
              + " removed during the scan, or the server counts differently from how it lists",
          received,
          segment,
          segment.expected());
    }
    cursor = null;
    scope = null;
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
