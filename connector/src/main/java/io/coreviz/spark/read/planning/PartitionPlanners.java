package io.coreviz.spark.read.planning;

import io.coreviz.spark.ReadOptions;

/** Chooses the planner for a read. */
public final class PartitionPlanners {

  private PartitionPlanners() {}

  /**
   * The planner of {@code partitionBy}; a scored read is always one offset range, because its
   * relevance ties have no stable order across requests.
   */
  public static PartitionPlanner forOptions(ReadOptions options) {
    Sizing sizing = new Sizing(options);
    if (options.scored()) {
      return new OffsetPlanner(sizing, 1);
    }
    return switch (options.partitionBy()) {
      case DATE -> new DatePlanner(sizing);
      case FOLDER -> new FolderPlanner(sizing, options.pageSize());
      case OFFSET -> new OffsetPlanner(sizing, Integer.MAX_VALUE);
    };
  }
}
