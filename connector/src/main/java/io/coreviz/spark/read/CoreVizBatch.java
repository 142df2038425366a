package io.coreviz.spark.read;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.PartitionPlanner;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Plans partitions once (the planner's probe requests happen here, on the driver) and caches them.
 */
final class CoreVizBatch implements Batch {

  private final ReadOptions options;
  private final PartitionPlanner planner;
  private List<MediaPartition> partitions;

  CoreVizBatch(ReadOptions options, PartitionPlanner planner) {
    this.options = options;
    this.planner = planner;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (partitions == null) {
      CoreVizClient client =
          new CoreVizClient(options.endpoint(), options.credentials(), HttpClients.shared());
      partitions = planner.plan(client, parallelism());
    }
    return partitions.toArray(new InputPartition[0]);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new MediaReaderFactory(options);
  }

  private static int parallelism() {
    return SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sparkContext().defaultParallelism()
        : 1;
  }
}
