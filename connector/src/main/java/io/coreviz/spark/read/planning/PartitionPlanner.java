package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;

/** A way of splitting a read into partitions. Runs once per scan, on the driver. */
public interface PartitionPlanner {

  /**
   * Plans the bins (future partitions) of one query, with as few probe requests as the strategy
   * allows: never one per item.
   *
   * @param client the client the probes go through
   * @param query the scan's query, without {@code limit}/{@code offset}
   * @param parallelism the cluster's default parallelism, worth filling when there is enough data
   * @return the bins, empty when the query matches nothing, and notes on fallbacks taken
   */
  Plan plan(CoreVizClient client, MediaQuery query, int parallelism);
}
