package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.errors.CoreVizException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * Reads a partition's segments one after the other, page by page. The first request is sent on the
 * first {@link #next()}; from then on the following page is in flight while Spark consumes the
 * current one, so at most two pages are held. A page shorter than asked is normal (servers cap
 * {@code limit}): paging continues from where it ended. A segment ends when its limit is reached, a
 * page comes back empty, or the offset reaches {@code pagination.total}; an exact segment that ends
 * short would lose rows, so it fails the task instead.
 */
final class MediaPartitionReader implements PartitionReader<InternalRow> {

  /** Checks each row as it is read, e.g. that a pushed sort order holds. */
  interface RowCheck {
    void check(InternalRow row, MediaRequest request);

    /** Called when a new segment starts. */
    default void reset() {}

    RowCheck NONE = (row, request) -> {};
  }

  private final CoreVizClient client;
  private final MediaRequest query;
  private final int pageSize;
  private final MediaPartition partition;
  private final ItemReader<InternalRow> rows;
  private final RowCheck check;

  private int segmentIndex = -1;
  private Segment segment;
  private MediaRequest segmentQuery;
  private long nextOffset;
  private long remaining;
  private boolean segmentDone = true;
  private CompletableFuture<MediaPage<InternalRow>> inFlight;
  private MediaRequest inFlightRequest;
  private MediaRequest pageRequest;
  private Iterator<InternalRow> page;
  private InternalRow current;
  private boolean closed;

  MediaPartitionReader(
      CoreVizClient client,
      MediaRequest query,
      int pageSize,
      MediaPartition partition,
      ItemReader<InternalRow> rows,
      RowCheck check) {
    this.client = client;
    this.query = query;
    this.pageSize = pageSize;
    this.partition = partition;
    this.rows = rows;
    this.check = check;
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
    while (page == null || !page.hasNext()) {
      if (inFlight == null) {
        if (segmentDone) {
          if (!startNextSegment()) {
            current = null;
            return false;
          }
          continue;
        }
        requestNextPage();
      }
      page = take().iterator();
    }
    current = page.next();
    check.check(current, pageRequest);
    return true;
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

  private boolean startNextSegment() {
    segmentIndex++;
    if (segmentIndex >= partition.segments().size()) {
      return false;
    }
    segment = partition.segments().get(segmentIndex);
    segmentQuery = query;
    for (var param : segment.params().entrySet()) {
      segmentQuery = segmentQuery.with(param.getKey(), param.getValue());
    }
    nextOffset = segment.offset();
    remaining = segment.limit();
    segmentDone = remaining == 0;
    check.reset();
    return true;
  }

  private void requestNextPage() {
    int limit = (int) Math.min(pageSize, remaining);
    inFlightRequest = segmentQuery.page(nextOffset, limit);
    inFlight = client.fetchAsync(inFlightRequest, rows);
  }

  /** Waits for the page in flight, accounts for it and sends the request for the next one. */
  private List<InternalRow> take() {
    MediaRequest asked = inFlightRequest;
    MediaPage<InternalRow> received = await(inFlight);
    inFlight = null;
    List<InternalRow> items = received.items();
    if (items.isEmpty()) {
      if (segment.exact()) {
        throw new DataException(
            "CoreViz returned no items for GET "
                + asked.pathAndQuery()
                + " although "
                + remaining
                + " more were expected in "
                + partition
                + " (the query now matches "
                + received.pagination().total()
                + " items). Items may have been deleted while the"
                + " scan ran; run the query again.");
      }
      segmentDone = true;
      return items;
    }
    if (items.size() > remaining) {
      items = items.subList(0, (int) remaining); // a server that ignores limit
    }
    nextOffset += items.size();
    remaining -= items.size();
    segmentDone =
        remaining == 0 || (!segment.exact() && nextOffset >= received.pagination().total());
    if (!segmentDone) {
      requestNextPage(); // in flight while Spark consumes this page
    }
    pageRequest = asked;
    return items;
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
