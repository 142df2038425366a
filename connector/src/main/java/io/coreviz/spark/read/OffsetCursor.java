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
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Plain offset paging: from the segment's offset for at most its limit. A page shorter than asked
 * is normal (servers cap {@code limit}); the walk ends at the limit, an empty page or {@code
 * hasMore=false}, never on {@code pagination.total} alone. The limit counts distinct rows {@code
 * keep} accepts, so repeats (ties in a new order) or rows outside the query do not make a {@code
 * LIMIT} come back short.
 *
 * <p>An exact range must return exactly its items, and proves it did: its first item must be the
 * one planning found at its offset, each later page starts one item early and that item must be the
 * last one taken, and the item after its last must be the one planning found there (the next
 * range's first). Under a stable order those checks chain every range to its neighbours, so an item
 * present for the whole scan is read by exactly one range; where offsets shifted (items added or
 * deleted before the read position, or equal keys in a new order), a check fails or the range ends
 * short, and the task fails rather than lose or repeat a row.
 */
final class OffsetCursor implements Cursor {

  private final MediaQuery query;
  private final Segment segment;
  private final int pageSize;
  private final int idSlot;
  private final Predicate<InternalRow> keep;
  private final Set<UTF8String> ids = new HashSet<>();
  private long offset;
  private long remaining;
  private boolean done;
  private MediaRequest asked;
  private int askedLimit;
  private String lastId;
  private final PageCap cap = new PageCap();

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
    if (!segment.exact()) {
      askedLimit = (int) Math.min(pageSize, remaining);
      asked = query.page(offset, askedLimit);
      return asked;
    }
    boolean overlap = lastId != null;
    long take = Math.min(pageSize, remaining);
    boolean last = take == remaining && segment.afterId() != null;
    askedLimit = (int) take + (overlap ? 1 : 0) + (last ? 1 : 0);
    asked = query.page(overlap ? offset - 1 : offset, askedLimit);
    return asked;
  }

  /**
   * An exact range knows its pages: each starts one item early, for as many items as remain, the
   * last one item further. Plain offset walks look ahead no further: rows they drop change the next
   * request.
   */
  @Override
  public List<MediaRequest> ahead(int n) {
    List<MediaRequest> ahead = new ArrayList<>();
    if (!segment.exact() || done) {
      return ahead;
    }
    long at = offset;
    long left = remaining;
    int overlap = lastId != null ? 1 : 0;
    int limit = askedLimit;
    while (true) {
      long took = Math.min(left, cap.served(limit) - overlap); // the range's items this page holds
      if (took <= 0) {
        return ahead;
      }
      at += took;
      left -= took;
      if (left <= 0 || ahead.size() >= n) {
        return ahead;
      }
      overlap = 1;
      long take = Math.min(pageSize, left);
      limit = (int) take + 1 + (take == left && segment.afterId() != null ? 1 : 0);
      ahead.add(query.page(at - 1, limit));
    }
  }

  @Override
  public List<InternalRow> accept(MediaPage<InternalRow> page) {
    List<InternalRow> emit = segment.exact() ? acceptExact(page) : acceptAny(page);
    if (!done) {
      cap.learn(page.items().size(), askedLimit);
    }
    return emit;
  }

  private List<InternalRow> acceptAny(MediaPage<InternalRow> page) {
    List<InternalRow> items = page.items();
    List<InternalRow> emit = new ArrayList<>();
    for (InternalRow row : items) {
      if (remaining > 0 && keep.test(row) && ids.add(row.getUTF8String(idSlot))) {
        emit.add(row);
        remaining--;
      }
    }
    offset += items.size();
    done = items.isEmpty() || remaining == 0 || page.pagination().saysNoMore();
    return emit;
  }

  private List<InternalRow> acceptExact(MediaPage<InternalRow> page) {
    List<InternalRow> items = page.items();
    int next = 0;
    if (lastId != null) {
      expect(items, 0, lastId, "the last item of the previous page");
      next = 1;
    } else if (segment.firstId() != null) {
      expect(items, 0, segment.firstId(), "the first item of this range when the scan was planned");
    }
    int take = (int) Math.min(remaining, items.size() - next);
    if (take <= 0 && remaining > 0) {
      throw endedShort(page);
    }
    List<InternalRow> emit = new ArrayList<>(take);
    for (InternalRow row : items.subList(next, next + take)) {
      if (keep.test(row)) {
        emit.add(row);
      }
    }
    if (take > 0) {
      lastId = id(items.get(next + take - 1));
    }
    offset += take;
    remaining -= take;
    next += take;
    if (remaining > 0) {
      if (page.pagination().saysNoMore()) {
        throw endedShort(page);
      }
    } else if (segment.afterId() == null) {
      done = true;
    } else if (next < items.size()) {
      expect(items, next, segment.afterId(), "the next range's first item when planned");
      done = true;
    } else if (take == 0 || page.pagination().saysNoMore()) {
      throw shifted(null, segment.afterId(), "the next range's first item when planned");
    }
    return emit;
  }

  /** Fails unless {@code items[at]} is the item with {@code id}. */
  private void expect(List<InternalRow> items, int at, String id, String what) {
    if (at >= items.size()) {
      throw shifted(null, id, what);
    }
    String found = id(items.get(at));
    if (!found.equals(id)) {
      throw shifted(found, id, what);
    }
  }

  private String id(InternalRow row) {
    return row.getUTF8String(idSlot).toString();
  }

  private DataException shifted(String found, String expected, String what) {
    return new DataException(
        "CoreViz answered GET "
            + asked.pathAndQuery()
            + " with "
            + (found == null ? "no item" : "item " + found)
            + " where "
            + expected
            + " ("
            + what
            + ") was expected: items were added or deleted while the scan ran, or the server"
            + " orders equal sort keys differently on each request, so offset ranges cannot be"
            + " read exactly. Run the query again, or use partitionBy=date, which tolerates"
            + " changes.");
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
