package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.read.planning.Segment;

/** Which {@link Cursor} walks a segment. */
final class Cursors {

  private Cursors() {}

  /**
   * {@link AnchoredCursor} for a segment that is not an exact range and whose query is sorted by a
   * key ({@code createdAt} either way, or relevance in scored reads): it pages by that key, exact
   * under ties in any order and while the collection changes. {@link OffsetCursor} otherwise.
   *
   * @param width the scan's columns: rows carry {@code id}, {@code createdAt}, {@code path}, {@code
   *     type} and {@code _score} after them
   */
  static Cursor forSegment(Segment segment, int pageSize, int width, Scope scope) {
    SortKey key = segment.exact() ? null : sortKey(segment.query(), width);
    return key != null
        ? new AnchoredCursor(segment, pageSize, width, key, scope)
        : new OffsetCursor(segment.query(), segment, pageSize, width, scope);
  }

  /** The key a query's rows are in order of; null for sorts that only offsets can page. */
  private static SortKey sortKey(MediaQuery query, int width) {
    if (query.scored()) {
      return SortKey.score(width + 4);
    }
    if (!query.sort().byCreatedAt()) {
      return null;
    }
    return SortKey.createdAt(width + 1, query.sort().ascending());
  }
}
