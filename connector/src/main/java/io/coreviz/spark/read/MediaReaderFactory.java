package io.coreviz.spark.read;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.read.planning.MediaPartition;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Sent to executors once per task; opens readers on the executor's shared HTTP client. */
final class MediaReaderFactory implements PartitionReaderFactory {

  private static final long serialVersionUID = 1L;

  private final ReadOptions options;

  MediaReaderFactory(ReadOptions options) {
    this.options = options;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    CoreVizClient client =
        new CoreVizClient(options.endpoint(), options.credentials(), HttpClients.shared());
    return new MediaPartitionReader(
        client, options.request(), options.pageSize(), (MediaPartition) partition);
  }

  @Override
  public String toString() {
    return "MediaReaderFactory[" + options.request() + "]";
  }
}
