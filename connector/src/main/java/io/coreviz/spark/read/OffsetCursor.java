package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Plain offset paging: from the segment's offset for at most its limit. A page shorter than asked
 * is normal (servers cap {@code limit}); the walk ends at the limit, an empty page or {@code
 * hasMore=false}, never on {@code pagination.total} alone. An exact segment that ends short fails:
 * rows would be lost. Otherwise the limit counts distinct rows {@code keep} accepts, so repeats
 * (ties in a new order) or rows outside the query do not make a {@code LIMIT} come back short.
 */
final class OffsetCursor implements Cursor {

  private final MediaQuery query;
  private final Segment segment;
  private final int pageSize;
  private final int idSlot;
  private final Predicate<InternalRow> keep;
  private final Set<String> ids = new HashSet<>();
  private long offset;
  private long remaining;
  private boolean done;
  private MediaRequest asked;

  OffsetCursor(
      MediaQuery query, Segment segment, int pageSize, int idSlot, Predicate<InternalRow> keep) {
    this.query = query;
    this.segment = segment;
    this.pageSize = pageSize;
    this.idSlot = idSlot;
    this.keep = keep;
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
        throw endedShort(page);
      }
      done = true;
      return items;
    }
    if (segment.exact()) {
      if (items.size() > remaining) {
        items = items.subList(0, (int) remaining); // a server that ignores limit
      }
      offset += items.size();
      remaining -= items.size();
      done = remaining == 0;
      if (!done && page.pagination().saysNoMore()) {
        throw endedShort(page);
      }
      return items.stream().filter(keep).toList();
    }
    List<InternalRow> emit = new ArrayList<>();
    for (InternalRow row : items) {
      if (remaining > 0 && keep.test(row) && ids.add(row.getUTF8String(idSlot).toString())) {
        emit.add(row);
        remaining--;
      }
    }
    offset += items.size();
    done = remaining == 0 || page.pagination().saysNoMore();
    return emit;
  }

  private DataException endedShort(MediaPage<InternalRow> page) {
    return new DataException(
        "CoreViz returned no more items for GET "
            + asked.pathAndQuery()
            + " although "
            + remaining
            + " more were expected (the query now matches "
            + page.pagination().total()
            + " items, fewer than when the scan was planned). Items were deleted while the scan"
            + " ran; run the query again, or use partitionBy=date, which tolerates changes.");
  }
}
