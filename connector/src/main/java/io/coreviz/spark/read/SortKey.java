package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.errors.DataException;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The order a walk pages through, as one {@code long} per row that grows along that order: {@code
 * createdAt} either way, or {@code _score} from the highest (scored reads). Equal values are ties,
 * which a server may return in any order.
 *
 * @param column the API field, for messages
 * @param slot where rows hold it
 * @param score true for {@code _score} (a double, highest first), false for {@code createdAt}
 * @param ascending for {@code createdAt}: oldest first
 */
record SortKey(String column, int slot, boolean score, boolean ascending) {

  static SortKey createdAt(int slot, boolean ascending) {
    return new SortKey(MediaSchema.CREATED_AT, slot, false, ascending);
  }

  static SortKey score(int slot) {
    return new SortKey("_score", slot, true, false);
  }

  /** The row's position in the order; a row without the field cannot be placed. */
  long of(InternalRow row, MediaRequest request) {
    if (row.isNullAt(slot)) {
      throw new DataException(
          "CoreViz sent an item without "
              + column
              + " for GET "
              + request.pathAndQuery()
              + "; paging by "
              + column
              + " cannot place it");
    }
    if (score) {
      long bits = Double.doubleToLongBits(-row.getDouble(slot) + 0.0); // + 0.0: no -0.0
      return bits ^ ((bits >> 63) & Long.MAX_VALUE); // orders like the double
    }
    long micros = row.getLong(slot);
    return ascending ? micros : -micros;
  }
}
