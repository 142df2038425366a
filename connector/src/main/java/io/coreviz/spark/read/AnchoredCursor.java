package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.errors.DataException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Pages through results sorted by {@code createdAt} while the collection may change, using the sort
 * key rather than trusting offsets:
 *
 * <ul>
 *   <li>Each request starts one item before the run of items sharing the last emitted {@code
 *       createdAt} (the "group"), so it holds the whole group again and what follows. Items of the
 *       group already emitted are skipped by id, so a server that orders equal timestamps
 *       differently on every request (as a database does) can neither hide nor repeat one.
 *   <li>The first item must be older than the group. If it is not, items before the group were
 *       deleted and offsets shifted left: the walk steps back a page and looks again.
 *   <li>Older items further in mean items were inserted before the group: they are skipped.
 *   <li>A page out of order is an error: the walk would no longer be exact.
 * </ul>
 *
 * A cut of a larger result ({@code floor}, {@code ceiling}) emits only items created in {@code
 * [floor, ceiling)}, starting from an offset hint checked the same way. Every item present for the
 * whole walk is emitted exactly once.
 */
final class AnchoredCursor implements Cursor {

  private final MediaRequest query;
  private final int pageSize;
  private final int idSlot;
  private final int keySlot;
  private final Long floor;
  private final Long ceiling;
  private boolean done;
  private Long lastKey;
  private long groupStart;
  private final Set<String> group = new HashSet<>();
  private MediaRequest asked;
  private long askedOffset;
  private int askedLimit;
  private long realigned;

  /**
   * @param idSlot where rows hold their id
   * @param keySlot where rows hold their {@code createdAt} (microseconds)
   */
  AnchoredCursor(
      MediaRequest query,
      long offset,
      Long floor,
      Long ceiling,
      int pageSize,
      int idSlot,
      int keySlot) {
    this.query = query;
    this.pageSize = pageSize;
    this.idSlot = idSlot;
    this.keySlot = keySlot;
    this.floor = floor;
    this.ceiling = ceiling;
    this.groupStart = offset;
  }

  @Override
  public MediaRequest next() {
    if (done) {
      return null;
    }
    boolean overlap = (lastKey != null || floor != null) && groupStart > 0;
    askedOffset = overlap ? groupStart - 1 : groupStart;
    // A page, but always room for the overlap item, the whole group and one more.
    askedLimit = Math.max(pageSize, group.size() + 2);
    asked = query.page(askedOffset, askedLimit);
    return asked;
  }

  @Override
  public List<InternalRow> accept(MediaPage<InternalRow> page) {
    List<InternalRow> items = page.items();
    List<InternalRow> emit = new ArrayList<>();
    if (items.isEmpty()) {
      done = true;
      return emit;
    }
    Long threshold = lastKey != null ? lastKey : floor;
    if (threshold != null && askedOffset > 0 && key(items.get(0)) >= threshold) {
      // The item before our group (or our cut) is gone: earlier items were deleted, offsets
      // shifted left. Step back and look again.
      groupStart = Math.max(0, groupStart - pageSize);
      realigned++;
      return emit;
    }
    boolean progressed = false;
    long groupStartBefore = groupStart;
    Long previous = null;
    for (int i = 0; i < items.size(); i++) {
      InternalRow row = items.get(i);
      if (row.isNullAt(keySlot)) {
        throw new DataException(
            "CoreViz sent an item without createdAt for GET "
                + asked.pathAndQuery()
                + "; paging by createdAt cannot place it");
      }
      long key = key(row);
      if (previous != null && key < previous) {
        throw new DataException(
            "CoreViz answered GET "
                + asked.pathAndQuery()
                + " with items out of createdAt order; the results would not be exact");
      }
      previous = key;
      long position = askedOffset + i;
      String id = row.getUTF8String(idSlot).toString();
      if (ceiling != null && key >= ceiling) {
        done = true; // the next cut's first item
        return emit;
      }
      if ((lastKey != null && key < lastKey) || (floor != null && key < floor)) {
        groupStart = position + 1; // older items: the overlap item, or ones inserted before us
      } else if (lastKey != null && key == lastKey) {
        if (group.add(id)) {
          emit.add(row);
          progressed = true;
        }
      } else {
        lastKey = key;
        groupStart = position;
        group.clear();
        group.add(id);
        emit.add(row);
        progressed = true;
      }
    }
    long end = askedOffset + items.size();
    done = end >= page.pagination().total();
    if (!done && !progressed && groupStart == groupStartBefore) {
      throw new DataException(
          "CoreViz answered GET "
              + asked.pathAndQuery()
              + " with "
              + items.size()
              + " items that were all read already: a run of items with one createdAt"
              + " is longer than the server returns in one page, so it cannot be paged exactly");
    }
    return emit;
  }

  private long key(InternalRow row) {
    return row.getLong(keySlot);
  }

  @Override
  public long realigned() {
    return realigned;
  }
}
