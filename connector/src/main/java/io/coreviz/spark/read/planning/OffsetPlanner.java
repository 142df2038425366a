package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code partitionBy=offset}: equal, contiguous offset ranges of the ordered results, sized from
 * one probe. Ranges are exact: a range that comes back short fails its task. With {@code
 * maxPartitions = 1} (scored reads, whose relevance ties have no stable order across requests) the
 * whole result is one range.
 */
final class OffsetPlanner implements PartitionPlanner {

  private final Sizing sizing;
  private final int maxPartitions;

  OffsetPlanner(Sizing sizing, int maxPartitions) {
    this.sizing = sizing;
    this.maxPartitions = maxPartitions;
  }

  @Override
  public List<Bin> plan(CoreVizClient client, MediaRequest request, int parallelism) {
    return split(Sizing.total(client, request), parallelism);
  }

  List<Bin> split(long total, int parallelism) {
    List<Bin> bins = new ArrayList<>();
    if (total == 0) {
      return bins;
    }
    long count = Math.min(sizing.partitions(total, parallelism), maxPartitions);
    long base = total / count;
    long remainder = total % count;
    long offset = 0;
    for (int i = 0; i < count; i++) {
      long size = base + (i < remainder ? 1 : 0);
      bins.add(Bin.of(Segment.range(Map.of(), offset, size), size));
      offset += size;
    }
    return bins;
  }

  @Override
  public String toString() {
    return maxPartitions == 1 ? "offset (one partition)" : "offset";
  }
}
