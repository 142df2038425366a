package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import java.util.List;

/** A way of splitting a read into partitions. Runs once per scan, on the driver. */
public interface PartitionPlanner {

  /**
   * Plans the partitions, using as few requests as the strategy allows.
   *
   * @param parallelism the cluster's default parallelism, a lower bound worth filling when the
   *     collection is large enough
   * @return the partitions; empty for an empty result
   */
  List<MediaPartition> plan(CoreVizClient client, int parallelism);
}
