package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.read.planning.MediaPartition;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Sent to executors once per task; opens readers on the executor's shared HTTP client. */
final class MediaReaderFactory implements PartitionReaderFactory {

  private static final long serialVersionUID = 2L;

  private final ScanSpec spec;

  MediaReaderFactory(ScanSpec spec) {
    this.spec = spec;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition input) {
    if (input instanceof CreationRange.Partition ranged) {
      // A stream's batch: rows carry id and createdAt after the scan's columns.
      int width = spec.readSchema().size();
      return CreationRange.keep(createReader(ranged.partition()), ranged.range(), width, width + 1);
    }
    MediaPartition partition = (MediaPartition) input;
    CoreVizClient client = spec.client().client(new RequestStats());
    if (spec.countOnly()) {
      return new CountPartitionReader(client, partition);
    }
    return new MediaPartitionReader(
        client, spec.pageSize(), spec.concurrency(), partition, spec.readSchema(), this::check);
  }

  /**
   * A new order check of a top-N for one segment, when its column is read (Spark sorts on it, so it
   * is).
   */
  private MediaPartitionReader.RowCheck check() {
    if (spec.order() == null) {
      return MediaPartitionReader.RowCheck.NONE;
    }
    int slot = Arrays.asList(spec.readSchema().fieldNames()).indexOf(spec.order().column());
    if (slot < 0) {
      return MediaPartitionReader.RowCheck.NONE;
    }
    return new OrderCheck(spec.order(), slot, spec.readSchema().fields()[slot].dataType());
  }

  @Override
  public String toString() {
    return "MediaReaderFactory[" + spec.query() + "]";
  }
}
