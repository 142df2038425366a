package io.coreviz.spark.read;

import io.coreviz.spark.errors.DataException;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * The items of one stream batch: created after offset {@code from} and at or before offset {@code
 * to}. The batch's requests ask for whole days around them; this keeps exactly these.
 */
record CreationRange(CreationOffset from, CreationOffset to) implements Serializable {

  boolean contains(long micros, String id) {
    return !from.covers(micros, id) && to.covers(micros, id);
  }

  /** A batch scan's partition, and the range its rows are kept to. */
  record Partition(InputPartition partition, CreationRange range) implements InputPartition {}

  /** Keeps the rows of {@code rows} in {@code range}; rows hold id and createdAt at these slots. */
  static PartitionReader<InternalRow> keep(
      PartitionReader<InternalRow> rows, CreationRange range, int idSlot, int createdAtSlot) {
    return new PartitionReader<>() {
      @Override
      public boolean next() throws IOException {
        while (rows.next()) {
          InternalRow row = rows.get();
          if (row.isNullAt(createdAtSlot)) {
            throw new DataException(
                "CoreViz sent item "
                    + row.getUTF8String(idSlot)
                    + " without createdAt; a stream places items by creation time");
          }
          if (range.contains(row.getLong(createdAtSlot), row.getUTF8String(idSlot).toString())) {
            return true;
          }
        }
        return false;
      }

      @Override
      public InternalRow get() {
        InternalRow row = rows.get();
        return row instanceof GenericInternalRow values ? new StreamRow(values, idSlot) : row;
      }

      @Override
      public CustomTaskMetric[] currentMetricsValues() {
        return rows.currentMetricsValues();
      }

      @Override
      public void close() throws IOException {
        rows.close();
      }
    };
  }
}
