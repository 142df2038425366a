package io.coreviz.spark.read.planning;

import io.coreviz.spark.ReadOptions;

/** Chooses the planner for a read. */
public final class PartitionPlanners {

  private PartitionPlanners() {}

  public static PartitionPlanner forOptions(ReadOptions options) {
    return new OffsetRangePlanner(options);
  }
}
