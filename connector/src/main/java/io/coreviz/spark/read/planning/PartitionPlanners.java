package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.options.CoreVizOptions;
import io.coreviz.spark.options.ReadOptions;
import java.util.List;

/** Chooses the planner for a read. */
public final class PartitionPlanners {

  private PartitionPlanners() {}

  /** The planner of {@code partitionBy}; a scored read is always one partition (see below). */
  public static PartitionPlanner forOptions(ReadOptions options) {
    Sizing sizing =
        new Sizing(
            options.itemsPerPartition(),
            options.pageSize(),
            options.numPartitions(),
            options.value(CoreVizOptions.MAX_CONCURRENT_REQUESTS),
            options.value(CoreVizOptions.MAX_CONCURRENT_REQUESTS_PER_EXECUTOR));
    if (options.scored()) {
      return SCORED;
    }
    return switch (options.partitionBy()) {
      case DATE -> new DatePlanner(sizing, options.value(CoreVizOptions.REUSE_PLANS));
      case FOLDER -> new FolderPlanner(sizing, options.pageSize());
      case OFFSET -> new OffsetPlanner(sizing);
    };
  }

  /**
   * Scored reads ({@code q}, {@code similarToObjectId}): the whole result in one partition, read in
   * relevance order by a reader that is exact while equal scores come back in a different order on
   * every request. No probe: the reader reads to the last page.
   */
  private static final PartitionPlanner SCORED =
      new PartitionPlanner() {
        @Override
        public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
          return Plan.of(List.of(Bin.of(Segment.all(query), 1)));
        }

        @Override
        public String toString() {
          return "scored (one partition, relevance order)";
        }
      };
}
