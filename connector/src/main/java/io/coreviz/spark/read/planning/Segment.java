package io.coreviz.spark.read.planning;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of requests inside a partition: the scan's query with {@code params} added, read from
 * {@code offset} for at most {@code limit} items.
 *
 * @param params parameters that override the scan's query, e.g. a date window or a folder
 * @param limit the most items to read; {@link Long#MAX_VALUE} reads until the API has no more
 * @param exact true when exactly {@code limit} items must come: an offset range sized by a probe,
 *     where fewer items mean rows were lost, which fails the task
 */
public record Segment(Map<String, String> params, long offset, long limit, boolean exact)
    implements Serializable {

  public Segment {
    params = new TreeMap<>(params);
    if (offset < 0 || limit < 0 || (exact && limit == Long.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "bad segment offset=" + offset + " limit=" + limit + " exact=" + exact);
    }
  }

  /** Every item the query with {@code params} returns. */
  public static Segment all(Map<String, String> params) {
    return new Segment(params, 0, Long.MAX_VALUE, false);
  }

  /** Exactly the {@code count} items from {@code offset}. */
  public static Segment range(Map<String, String> params, long offset, long count) {
    return new Segment(params, offset, count, true);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(params.toString());
    if (offset > 0 || limit != Long.MAX_VALUE) {
      text.append(" offset=").append(offset);
      if (limit != Long.MAX_VALUE) {
        text.append(exact ? " count=" : " limit=").append(limit);
      }
    }
    return text.toString();
  }
}
