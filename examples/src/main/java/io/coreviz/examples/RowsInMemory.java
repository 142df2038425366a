package io.coreviz.examples;

import io.coreviz.spark.convert.MediaSchema;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Spark data source whose rows are already in memory, in the connector's schema: {@code
 * spark.read.format(RowsInMemory.class.getName()).load()} reads {@link #rows}, with no request and
 * no parsing. What its first read costs is what Spark pays for any row-based DSv2 source of this
 * schema (planning, generating and compiling the rows' projection, scheduling, the JIT), the floor
 * under a connector's first read. Local mode only: the rows live in this JVM.
 */
public final class RowsInMemory implements TableProvider {

  /** The rows every read returns; set before reading. */
  static volatile InternalRow[] rows = new InternalRow[0];

  private static final int PARTITIONS = 2;

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return MediaSchema.SCHEMA;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    return new BatchTable("rows in memory", new RowsScan());
  }

  private static final class RowsScan implements BatchTable.Reads {

    @Override
    public InputPartition[] planInputPartitions() {
      InputPartition[] partitions = new InputPartition[PARTITIONS];
      for (int i = 0; i < PARTITIONS; i++) {
        partitions[i] = new Slice(i);
      }
      return partitions;
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return partition -> new SliceReader(((Slice) partition).index());
    }
  }

  /** Every {@link #PARTITIONS}th row, from {@code index}. */
  private record Slice(int index) implements InputPartition {}

  private static final class SliceReader implements PartitionReader<InternalRow> {

    private final InternalRow[] all = rows;
    private int next;

    SliceReader(int index) {
      this.next = index - PARTITIONS;
    }

    @Override
    public boolean next() {
      next += PARTITIONS;
      return next < all.length;
    }

    @Override
    public InternalRow get() {
      return all[next];
    }

    @Override
    public void close() {}
  }
}
