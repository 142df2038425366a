package io.coreviz.emulator.api;

import java.time.ZoneOffset;

/**
 * How the server reads the parts of the API page that leave room for more than one reading. The
 * {@link #DEFAULT} is this emulator's own reading; every other value is one a real,
 * CoreViz-compatible service could have, so that tests can check a client stays exact under it.
 *
 * @param dayZone the zone whose calendar days {@code dateFrom}/{@code dateTo} compare
 * @param exclusiveDateTo {@code dateTo} excludes its own day (a service comparing {@code createdAt
 *     <= dateTo} at midnight)
 * @param totalCap the largest {@code pagination.total} reported (an estimated or capped count);
 *     {@code hasMore} stays true while more items follow
 * @param totalExcess how many more than match {@code pagination.total} reports (a service that
 *     estimates its counts); {@code hasMore} then follows that total, so it says more items follow
 *     on the last pages
 * @param mediaIdIgnoresFilters {@code mediaId} returns that item whatever the other filters say
 * @param reflexiveSubtree a recursive listing of {@code path} includes the item at {@code path}
 *     itself (PostgreSQL ltree's {@code <@} is reflexive)
 * @param localeCollation strings sort case-insensitively, ignoring accents and punctuation first (a
 *     database's locale collation) instead of by code point
 * @param unstableTies items with equal browse sort keys come in a different order on every request
 * @param unstableScoreTies items with equal {@code _score} come in a different order on every
 *     request
 * @param normalizedScores each result set's {@code _score}s are divided by its highest, so one
 *     item's score depends on what else the query matches (a service that normalises relevance per
 *     query): the same item scores differently in a query narrowed by a filter
 * @param numbersAsStrings BIGINT and NUMERIC values ({@code sizeBytes}, {@code duration}, {@code
 *     folderItemCount}, {@code _score}, {@code pagination.total}) are sent as JSON strings, as
 *     node-postgres does by default
 */
public record Semantics(
    ZoneOffset dayZone,
    boolean exclusiveDateTo,
    int totalCap,
    int totalExcess,
    boolean mediaIdIgnoresFilters,
    boolean reflexiveSubtree,
    boolean localeCollation,
    boolean unstableTies,
    boolean unstableScoreTies,
    boolean normalizedScores,
    boolean numbersAsStrings) {

  /** UTC inclusive days, exact totals, filters ANDed, strict subtrees, code-point order. */
  public static final Semantics DEFAULT =
      new Semantics(
          ZoneOffset.UTC,
          false,
          Integer.MAX_VALUE,
          0,
          false,
          false,
          false,
          false,
          false,
          false,
          false);

  public Semantics {
    if (dayZone == null) {
      throw new IllegalArgumentException("dayZone must not be null");
    }
    if (totalCap < 0) {
      throw new IllegalArgumentException("totalCap must be >= 0, got " + totalCap);
    }
    if (totalExcess < 0) {
      throw new IllegalArgumentException("totalExcess must be >= 0, got " + totalExcess);
    }
  }

  /** Whether each request draws a fresh order for ties. */
  public boolean shufflesTies() {
    return unstableTies || unstableScoreTies;
  }
}
