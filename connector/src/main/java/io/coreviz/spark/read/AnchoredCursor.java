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
 * Pages through results in a {@link SortKey} order ({@code createdAt}, or {@code _score} in scored
 * reads) while ties come back in any order and the collection may change, using the sort key rather
 * than trusting offsets:
 *
 * <ul>
 *   <li>Each request starts one item before the run of items sharing the last emitted key (the
 *       "group") and asks for the whole group and a page more, so whatever order the server gives
 *       ties, the group is whole in the answer. Items of the group already emitted are skipped by
 *       id, so a server that orders ties differently on every request (as a database does) can
 *       neither hide nor repeat one.
 *   <li>The first item must come before the group. If it does not, or the page is empty, items
 *       before the group were deleted and offsets shifted left: the walk steps back a page and
 *       looks again.
 *   <li>Items before the group further in were inserted before it: they are skipped.
 *   <li>A page out of order is an error: the walk would no longer be exact.
 *   <li>The walk ends on an empty page, on {@code hasMore=false}, or once {@code limit} rows were
 *       emitted; never on {@code pagination.total}, which a server may cap or estimate.
 * </ul>
 *
 * A cut of a larger result ({@code floor}, {@code ceiling}, in key order) emits only items in
 * {@code [floor, ceiling)}, starting from an offset hint checked the same way. Rows {@code keep}
 * rejects (outside the query, see {@link Scope}) take their place in the walk but are not emitted.
 * Every item present for the whole walk is emitted exactly once; where a group is longer than the
 * server returns in one page, the walk fails rather than guess.
 */
final class AnchoredCursor implements Cursor {

  /** How many items earlier than foreseen a request sent ahead starts ({@link #ahead}). */
  static final int TIES = 2;

  private final MediaQuery query;
  private final int pageSize;
  private final int idSlot;
  private final SortKey sortKey;
  private final Long floor;
  private final Long ceiling;
  private final long limit;
  private final Predicate<InternalRow> keep;
  private final long end;
  private final PageCap cap = new PageCap();
  private boolean done;
  private boolean probingEnd;
  private long probeAt;
  private Long lastKey;
  private long groupStart;
  private final Set<UTF8String> group = new HashSet<>();
  private MediaRequest asked;
  private long askedOffset;
  private int askedLimit;
  private long emitted;
  private long realigned;

  /**
   * @param segment what to walk: from its offset (a hint where it has a {@code fromKey}), the items
   *     in {@code [fromKey, toKey)}, at most its limit of them; where planning counted it, how far
   *     {@link #ahead} looks
   * @param idSlot where rows hold their id
   */
  AnchoredCursor(
      Segment segment, int pageSize, int idSlot, SortKey sortKey, Predicate<InternalRow> keep) {
    this.query = segment.query();
    this.pageSize = pageSize;
    this.idSlot = idSlot;
    this.sortKey = sortKey;
    this.floor = segment.fromKey();
    this.ceiling = segment.toKey();
    this.limit = segment.limit();
    this.keep = keep;
    this.end = segment.expected() >= 0 ? segment.offset() + segment.expected() : Long.MAX_VALUE;
    this.groupStart = segment.offset();
    this.done = limit == 0;
  }

  @Override
  public MediaRequest next() {
    if (done) {
      return null;
    }
    if (probingEnd) {
      // The last page held nothing new and was short: is that the end, or a server cap?
      asked = query.page(probeAt, 1);
      return asked;
    }
    boolean overlap = (lastKey != null || floor != null) && groupStart > 0;
    askedOffset = overlap ? groupStart - 1 : groupStart;
    // The item before the group, the whole group, and a page of new items (no more than wanted).
    long wanted = (overlap ? 1 : 0) + (long) group.size() + Math.min(pageSize, limit - emitted);
    askedLimit = (int) Math.min(Integer.MAX_VALUE, wanted);
    asked = query.page(askedOffset, askedLimit);
    return asked;
  }

  /**
   * Once a page of distinct keys comes back full, the next request starts at its last two items
   * (the one before the new group, and the group of one) and asks for them and a page more; so do
   * the ones after it, as far as planning counted. Not for {@code LIMIT} reads, nor where planning
   * did not count the segment.
   */
  @Override
  public List<MediaRequest> ahead(int n) {
    List<MediaRequest> ahead = new ArrayList<>();
    if (done || probingEnd || limit != Long.MAX_VALUE || end == Long.MAX_VALUE) {
      return ahead;
    }
    long offset = askedOffset;
    int returned = cap.served(askedLimit);
    while (ahead.size() < n && returned > 2 && offset + returned < end) {
      offset += returned - 2;
      int asking = pageSize + 2;
      // Starting a few items early covers a walk whose next group is a run of up to TIES + 1
      // items sharing a key: it asks from further back, and takes its part of this answer.
      int early = (int) Math.min(TIES, offset);
      if (cap.served(asking + early) < asking + early) {
        early = 0; // a capped answer would not reach as far: ask exactly
      }
      ahead.add(query.page(offset - early, asking + early));
      returned = cap.served(asking);
    }
    return ahead;
  }

  @Override
  public List<InternalRow> accept(MediaPage<InternalRow> page) {
    List<InternalRow> emit = step(page);
    if (!done && !probingEnd) {
      cap.learn(page.items().size(), askedLimit);
    }
    return emit;
  }

  private List<InternalRow> step(MediaPage<InternalRow> page) {
    List<InternalRow> items = page.items();
    List<InternalRow> emit = new ArrayList<>();
    if (probingEnd) {
      if (!items.isEmpty()) {
        throw groupTooLong();
      }
      done = true;
      return emit;
    }
    Long threshold = lastKey != null ? lastKey : floor;
    if (items.isEmpty()) {
      if (threshold != null && askedOffset > 0) {
        // Not even the item before our group (or cut) is there: items before it were deleted and
        // offsets shifted left past where we asked. Step back and look again.
        groupStart = Math.max(0, groupStart - pageSize);
        realigned++;
        return emit;
      }
      done = true;
      return emit;
    }
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
      long key = key(row);
      if (previous != null && key < previous) {
        throw new DataException(
            "CoreViz answered GET "
                + asked.pathAndQuery()
                + " with items out of "
                + sortKey.column()
                + " order; the results would not be exact"
                + (limit == Long.MAX_VALUE
                    ? ""
                    : " (for ORDER BY … LIMIT, set pushDownTopN=false to let Spark sort)"));
      }
      previous = key;
      long position = askedOffset + i;
      UTF8String id = row.getUTF8String(idSlot);
      if (ceiling != null && key >= ceiling) {
        done = true; // the next cut's first item
        return emit;
      }
      if ((lastKey != null && key < lastKey) || (floor != null && key < floor)) {
        groupStart = position + 1; // earlier items: the overlap item, or ones inserted before us
      } else if (lastKey != null && key == lastKey) {
        if (group.add(id)) {
          progressed = true;
          emit(row, emit);
        }
      } else {
        lastKey = key;
        groupStart = position;
        group.clear();
        group.add(id);
        progressed = true;
        emit(row, emit);
      }
    }
    if (emitted >= limit || page.pagination().saysNoMore()) {
      done = true;
    } else if (!progressed && groupStart == groupStartBefore) {
      if (items.size() >= askedLimit) {
        throw groupTooLong();
      }
      probingEnd = true; // a short page with nothing new: the end, unless the server capped it
      probeAt = askedOffset + items.size();
    }
    return emit;
  }

  private void emit(InternalRow row, List<InternalRow> emit) {
    if (keep.test(row)) {
      emit.add(row);
      emitted++;
    }
  }

  private TiesOutgrowPage groupTooLong() {
    return new TiesOutgrowPage(
        "CoreViz answered GET "
            + asked.pathAndQuery()
            + " with items that were all read already: more items share one "
            + sortKey.column()
            + " than the server returns in one page, so they cannot be paged exactly"
            + " (narrow the read, e.g. with filters, so fewer items tie)");
  }

  private long key(InternalRow row) {
    return sortKey.of(row, asked);
  }

  @Override
  public long realigned() {
    return realigned;
  }
}
