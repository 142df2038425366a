package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.MediaQuery;
import java.io.Serializable;

/**
 * One run of requests inside a partition: a query, read from {@code offset} for at most {@code
 * limit} items.
 *
 * @param query the scan's query as planning narrowed it, e.g. to a date window or a folder
 * @param limit the most items to read; {@link Long#MAX_VALUE} reads until the API has no more
 * @param exact true when exactly {@code limit} items must come: an offset range sized by a probe,
 *     where fewer items mean rows were lost, which fails the task
 * @param fromKey when set, only items created at or after this instant (microseconds) belong to the
 *     segment; {@code offset} is then a hint where they start
 * @param toKey when set, only items created before this instant belong to the segment
 * @param expected how many items a probe of exactly this segment counted when the scan was planned,
 *     or -1 where the plan only estimated it; a reader that finds another number says so
 * @param firstId for an exact range, the id of the item planning found at {@code offset}, or null
 * @param afterId for an exact range, the id of the item planning found just after it (the next
 *     range's first), or null; the reader checks both are where planning found them, and that each
 *     page starts where the last ended, so a shift of offsets fails instead of losing a row
 */
public record Segment(
    MediaQuery query,
    long offset,
    long limit,
    boolean exact,
    Long fromKey,
    Long toKey,
    long expected,
    String firstId,
    String afterId)
    implements Serializable {

  public Segment(MediaQuery query, long offset, long limit, boolean exact) {
    this(query, offset, limit, exact, null, null, -1, null, null);
  }

  public Segment(
      MediaQuery query, long offset, long limit, boolean exact, Long fromKey, Long toKey) {
    this(query, offset, limit, exact, fromKey, toKey, -1, null, null);
  }

  /** This segment, with the number of items a probe counted in it. */
  public Segment expecting(long items) {
    return new Segment(query, offset, limit, exact, fromKey, toKey, items, firstId, afterId);
  }

  /** This exact range, with the ids planning found at its first offset and just after it. */
  public Segment between(String firstId, String afterId) {
    return new Segment(query, offset, limit, exact, fromKey, toKey, expected, firstId, afterId);
  }

  public Segment {
    java.util.Objects.requireNonNull(query);
    if (offset < 0 || limit < 0 || (exact && limit == Long.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "bad segment offset=" + offset + " limit=" + limit + " exact=" + exact);
    }
  }

  /** Every item {@code query} returns. */
  public static Segment all(MediaQuery query) {
    return new Segment(query, 0, Long.MAX_VALUE, false);
  }

  /**
   * The items created in {@code [fromKey, toKey)} (either bound may be null), read oldest first
   * from about {@code offsetHint}: a cut of a large day or folder that stays exact while items are
   * added or deleted, because creation times never change.
   */
  public static Segment keyed(MediaQuery query, long offsetHint, Long fromKey, Long toKey) {
    return new Segment(query, offsetHint, Long.MAX_VALUE, false, fromKey, toKey);
  }

  /** Every item from {@code offset} on, to the last page. */
  public static Segment rest(MediaQuery query, long offset) {
    return new Segment(query, offset, Long.MAX_VALUE, false);
  }

  /** Exactly the {@code count} items from {@code offset}. */
  public static Segment range(MediaQuery query, long offset, long count) {
    return new Segment(query, offset, count, true);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(query.toString());
    if (fromKey != null || toKey != null) {
      text.append(" createdAt in [").append(fromKey).append(", ").append(toKey).append(")");
    }
    if (offset > 0 || limit != Long.MAX_VALUE) {
      text.append(" offset=").append(offset);
      if (limit != Long.MAX_VALUE) {
        text.append(exact ? " count=" : " limit=").append(limit);
      }
      if (firstId != null) {
        text.append(" from id ").append(firstId);
      }
    }
    return text.toString();
  }
}
