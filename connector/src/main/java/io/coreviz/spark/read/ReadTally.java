package io.coreviz.spark.read;

import io.coreviz.spark.read.planning.Segment;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a partition's walks found, for its task metrics: pages re-aligned (the results shifted under
 * a walk), rows outside the query dropped, and segments that held another number of items than
 * planning counted (logged, each with its segment). Not thread-safe: its pipeline's lock guards it.
 */
final class ReadTally {

  private static final Logger LOG = LoggerFactory.getLogger(ReadTally.class);

  /** The counts at one moment. */
  record Counts(long realigned, long outsideQuery, long offPlan) {}

  private long realigned;
  private long outsideQuery;
  private long offPlan;

  /** Accounts for a segment read to its end, which received {@code received} rows in scope. */
  void ended(Segment segment, Cursor cursor, Scope scope, long received) {
    realigned += cursor.realigned();
    outsideQuery += scope.dropped();
    long items = received + scope.dropped();
    if (segment.expected() >= 0 && items != segment.expected()) {
      offPlan++;
      LOG.warn(
          "CoreViz returned {} items for {}, where planning counted {}: items were added or"
              + " removed during the scan, or the server counts differently from how it lists",
          items,
          segment,
          segment.expected());
    }
  }

  /** The counts of the segments ended and, so far, of those still being read. */
  Counts counts(List<Cursor> reading, List<Scope> scopes) {
    long shifted = realigned;
    for (Cursor cursor : reading) {
      shifted += cursor.realigned();
    }
    long outside = outsideQuery;
    for (Scope scope : scopes) {
      outside += scope.dropped();
    }
    return new Counts(shifted, outside, offPlan);
  }
}
