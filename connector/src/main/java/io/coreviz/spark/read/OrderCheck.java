package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.errors.DataException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;

/**
 * Verifies a pushed top-N: the API must return the sort column non-null and in Spark's order. Where
 * it does not (another collation, a null the API page says cannot occur), the rows it chose may not
 * be Spark's top N, so the task fails and says how to turn the pushdown off.
 */
final class OrderCheck implements MediaPartitionReader.RowCheck {

  private final String column;
  private final int slot;
  private final DataType type;
  private final boolean ascending;
  private Object previous;

  OrderCheck(ScanSpec.Order order, int slot, DataType type) {
    this.column = order.column();
    this.slot = slot;
    this.type = type;
    this.ascending = order.ascending();
  }

  @Override
  public void check(InternalRow row, MediaRequest request) {
    if (row.isNullAt(slot)) {
      throw violation(request, "a null " + column);
    }
    Object value = row.get(slot, type);
    if (previous != null) {
      int comparison = compare(previous, value);
      if (ascending ? comparison > 0 : comparison < 0) {
        throw violation(
            request, column + " out of Spark's order (" + previous + " then " + value + ")");
      }
    }
    previous = value;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  private DataException violation(MediaRequest request, String what) {
    return new DataException(
        "CoreViz answered GET "
            + request.pathAndQuery()
            + " with "
            + what
            + ", so ORDER BY "
            + column
            + " LIMIT cannot be answered by the API; set the option pushDownTopN=false");
  }
}
