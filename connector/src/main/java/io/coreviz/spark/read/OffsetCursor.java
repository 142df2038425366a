package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.planning.Segment;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Plain offset paging: from the segment's offset for at most its limit. A page shorter than asked
 * is normal (servers cap {@code limit}); the walk ends at the limit, an empty page, or {@code
 * pagination.total}. An exact segment that ends short fails: rows would be lost.
 */
final class OffsetCursor implements Cursor {

  private final MediaRequest query;
  private final Segment segment;
  private final int pageSize;
  private long offset;
  private long remaining;
  private boolean done;
  private MediaRequest asked;

  OffsetCursor(MediaRequest query, Segment segment, int pageSize) {
    this.query = query;
    this.segment = segment;
    this.pageSize = pageSize;
    this.offset = segment.offset();
    this.remaining = segment.limit();
    this.done = remaining == 0;
  }

  @Override
  public MediaRequest next() {
    if (done) {
      return null;
    }
    asked = query.page(offset, (int) Math.min(pageSize, remaining));
    return asked;
  }

  @Override
  public List<InternalRow> accept(MediaPage<InternalRow> page) {
    List<InternalRow> items = page.items();
    if (items.isEmpty()) {
      if (segment.exact()) {
        throw new DataException(
            "CoreViz returned no items for GET "
                + asked.pathAndQuery()
                + " although "
                + remaining
                + " more were expected (the query now matches "
                + page.pagination().total()
                + " items, fewer than when the scan was planned). Items were deleted while the scan"
                + " ran; run the query again, or use partitionBy=date, which tolerates changes.");
      }
      done = true;
      return items;
    }
    if (items.size() > remaining) {
      items = items.subList(0, (int) remaining); // a server that ignores limit
    }
    offset += items.size();
    remaining -= items.size();
    done = remaining == 0 || (!segment.exact() && offset >= page.pagination().total());
    return items;
  }
}
