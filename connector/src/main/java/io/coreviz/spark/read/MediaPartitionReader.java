package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.CoreVizException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.planning.MediaPartition;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * Pages through one offset range. The first request is sent on the first {@link #next()}; from then
 * on the following page is in flight while Spark consumes the current one, so at most two pages are
 * held. A page shorter than asked is normal (servers cap {@code limit}): paging continues from
 * where it ended. An empty page before the range is done means rows would be lost, so it fails the
 * task.
 */
final class MediaPartitionReader implements PartitionReader<InternalRow> {

  private static final MediaRowReader ROWS = new MediaRowReader();

  private final CoreVizClient client;
  private final MediaRequest query;
  private final int pageSize;
  private final MediaPartition partition;

  private long nextOffset;
  private CompletableFuture<MediaPage<InternalRow>> inFlight;
  private Iterator<InternalRow> rows;
  private InternalRow current;
  private boolean closed;

  MediaPartitionReader(
      CoreVizClient client, MediaRequest query, int pageSize, MediaPartition partition) {
    this.client = client;
    this.query = query;
    this.pageSize = pageSize;
    this.partition = partition;
    this.nextOffset = partition.offset();
  }

  @Override
  public boolean next() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
    while (rows == null || !rows.hasNext()) {
      if (inFlight == null) {
        if (nextOffset >= partition.end()) {
          current = null;
          return false;
        }
        requestNextPage();
      }
      rows = take().iterator();
    }
    current = rows.next();
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

  private void requestNextPage() {
    int limit = (int) Math.min(pageSize, partition.end() - nextOffset);
    inFlight = client.fetchAsync(query.page(nextOffset, limit), ROWS);
  }

  /** Waits for the page in flight, accounts for it and sends the request for the next one. */
  private List<InternalRow> take() {
    MediaRequest asked =
        query.page(nextOffset, (int) Math.min(pageSize, partition.end() - nextOffset));
    MediaPage<InternalRow> page = await(inFlight);
    inFlight = null;
    List<InternalRow> items = page.items();
    long wanted = partition.end() - nextOffset;
    if (items.isEmpty()) {
      throw new DataException(
          "CoreViz returned no items for GET "
              + asked.pathAndQuery()
              + " although "
              + wanted
              + " more were expected in "
              + partition
              + " (the collection now"
              + " reports "
              + page.pagination().total()
              + " items). Items may have been deleted while"
              + " the scan ran; run the query again.");
    }
    if (items.size() > wanted) {
      items = items.subList(0, (int) wanted); // a server that ignores limit
    }
    nextOffset += items.size();
    if (nextOffset < partition.end()) {
      requestNextPage();
    }
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
