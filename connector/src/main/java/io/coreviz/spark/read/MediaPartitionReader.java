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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a partition's segments, up to {@code concurrency} of them at once, each page by page with
 * its own {@link Cursor}: {@link AnchoredCursor} for whole segments sorted by a key (exact while
 * the collection changes), {@link OffsetCursor} otherwise. A segment has at most one request in
 * flight: its next request goes out when its page is taken, so while Spark consumes one page the
 * others are on their way, and at most {@code concurrency} pages are held. Nothing is sent before
 * the first {@link #next()}. Rows are de-duplicated by id within the partition; they come out in
 * the order pages arrive.
 */
final class MediaPartitionReader implements PartitionReader<InternalRow> {

  /** Checks each row of a segment as it is read, e.g. that a pushed sort order holds. */
  interface RowCheck {
    void check(InternalRow row, MediaRequest request);

    RowCheck NONE = (row, request) -> {};
  }

  private static final Logger LOG = LoggerFactory.getLogger(MediaPartitionReader.class);

  /** Columns every row carries after the query's own, for the walk and the scope check. */
  private static final List<String> TRAILING =
      List.of("id", MediaSchema.CREATED_AT, "path", "type", "_score");

  private final CoreVizClient client;
  private final int pageSize;
  private final int concurrency;
  private final MediaPartition partition;
  private final MediaRowReader rows;
  private final Supplier<RowCheck> checks;
  private final int width;
  private final Set<UTF8String> seen = new HashSet<>();
  private final List<Walk> active = new ArrayList<>();
  private final BlockingQueue<Walk> arrived = new LinkedBlockingQueue<>();

  private int nextSegment;
  private boolean started;
  private Iterator<InternalRow> page;
  private Walk pageWalk;
  private MediaRequest pageRequest;
  private InternalRow current;
  private boolean closed;
  private long rowsRead;
  private long duplicates;
  private long realignedBefore;
  private long droppedBefore;
  private long offPlan;

  /** One segment being read: its cursor and scope, its row check, the request in flight. */
  private static final class Walk {
    final Segment segment;
    final Cursor cursor;
    final Scope scope;
    final RowCheck check;
    long received;
    MediaRequest asked;
    CompletableFuture<MediaPage<InternalRow>> inFlight;

    Walk(Segment segment, Cursor cursor, Scope scope, RowCheck check) {
      this.segment = segment;
      this.cursor = cursor;
      this.scope = scope;
      this.check = check;
    }
  }

  MediaPartitionReader(
      CoreVizClient client,
      int pageSize,
      int concurrency,
      MediaPartition partition,
      StructType readSchema,
      Supplier<RowCheck> checks) {
    this.client = client;
    this.pageSize = pageSize;
    this.concurrency = Math.max(1, concurrency);
    this.partition = partition;
    this.rows = new MediaRowReader(readSchema, TRAILING);
    this.width = readSchema.size();
    this.checks = checks;
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
    if (!started) {
      started = true;
      fill();
    }
    while (true) {
      while (page != null && page.hasNext()) {
        InternalRow row = page.next();
        if (!seen.add(row.getUTF8String(width))) {
          duplicates++;
          continue;
        }
        pageWalk.check.check(row, pageRequest);
        rowsRead++;
        // The row keeps its trailing columns: Spark reads the scan's columns by ordinal, and
        // copying the rest away cost an array and a row per item.
        current = row;
        return true;
      }
      if (active.isEmpty()) {
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
    for (Walk walk : active) {
      if (walk.inFlight != null) {
        walk.inFlight.cancel(true);
      }
    }
    active.clear();
  }

  /** Reads so far: requests, retries, 429s, time throttled, bytes, rows, duplicates, re-aligns. */
  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    RequestStats stats = client.stats();
    long realigned = realignedBefore;
    long dropped = droppedBefore;
    for (Walk walk : active) {
      realigned += walk.cursor.realigned();
      dropped += walk.scope.dropped();
    }
    return ScanMetrics.values(stats, rowsRead, duplicates, realigned, dropped, offPlan);
  }

  /** Starts segments until {@code concurrency} are in flight or none is left. */
  private void fill() {
    while (active.size() < concurrency && nextSegment < partition.segments().size()) {
      Walk walk = start(partition.segments().get(nextSegment++));
      active.add(walk);
      send(walk);
    }
  }

  private Walk start(Segment segment) {
    MediaQuery query = segment.query();
    Scope scope = Scope.of(query, width + 2, width + 3);
    SortKey key = segment.exact() ? null : sortKey(query);
    Cursor cursor =
        key != null
            ? new AnchoredCursor(
                query,
                segment.offset(),
                segment.fromKey(),
                segment.toKey(),
                segment.limit(),
                pageSize,
                width,
                key,
                scope)
            : new OffsetCursor(query, segment, pageSize, width, scope);
    return new Walk(segment, cursor, scope, checks.get());
  }

  /** Sends the walk's next request, or ends the walk and starts the next segments. */
  private void send(Walk walk) {
    MediaRequest request = walk.cursor.next();
    if (request == null) {
      end(walk);
      fill();
      return;
    }
    walk.asked = request;
    walk.inFlight = client.fetchAsync(request, rows);
    walk.inFlight.whenComplete((received, error) -> arrived.add(walk));
  }

  /**
   * Waits for the next page to arrive, lets its walk take it, and sends that walk's next request
   * while Spark consumes this page.
   */
  private List<InternalRow> take() {
    Walk walk = await(arrived);
    MediaRequest asked = walk.asked;
    MediaPage<InternalRow> received = await(walk.inFlight);
    walk.inFlight = null;
    List<InternalRow> emit = walk.cursor.accept(received);
    walk.received += emit.size();
    send(walk);
    pageWalk = walk;
    pageRequest = asked;
    return emit;
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

  /** Accounts for a segment read to its end: metrics, and a count that differs from the plan's. */
  private void end(Walk walk) {
    active.remove(walk);
    realignedBefore += walk.cursor.realigned();
    droppedBefore += walk.scope.dropped();
    long received = walk.received + walk.scope.dropped();
    if (walk.segment.expected() >= 0 && received != walk.segment.expected()) {
      offPlan++;
      LOG.warn(
          "CoreViz returned {} items for {}, where planning counted {}: items were added or"
              + " removed during the scan, or the server counts differently from how it lists",
          received,
          walk.segment,
          walk.segment.expected());
    }
  }

  private static Walk await(BlockingQueue<Walk> queue) {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for a CoreViz page");
    }
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
