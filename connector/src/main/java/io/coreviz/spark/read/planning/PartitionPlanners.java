package io.coreviz.spark.read.planning;

import io.coreviz.spark.options.CoreVizOptions;
import io.coreviz.spark.options.ReadOptions;

/** Chooses the planner for a read. */
public final class PartitionPlanners {

  private PartitionPlanners() {}

  /**
   * The planner of {@code partitionBy}; a scored read is sliced by date ({@link ScoredPlanner}).
   */
  public static PartitionPlanner forOptions(ReadOptions options) {
    Sizing sizing =
        new Sizing(
            options.itemsPerPartition(),
            options.pageSize(),
            options.numPartitions(),
            options.value(CoreVizOptions.MAX_CONCURRENT_REQUESTS),
            options.value(CoreVizOptions.MAX_CONCURRENT_REQUESTS_PER_EXECUTOR));
    if (options.scored()) {
      return new ScoredPlanner(new DatePlanner(sizing, options.value(CoreVizOptions.REUSE_PLANS)));
    }
    return switch (options.partitionBy()) {
      case DATE -> new DatePlanner(sizing, options.value(CoreVizOptions.REUSE_PLANS));
      case FOLDER -> new FolderPlanner(sizing, options.pageSize());
      case OFFSET -> new OffsetPlanner(sizing);
    };
  }
}
