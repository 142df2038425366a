package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code partitionBy=offset}: equal, contiguous offset ranges of the ordered results, sized from a
 * checked count ({@link Counts}), each with the id found at its first offset (one probe per range,
 * all at once). Ranges are exact: a range whose first or next range's item is no longer where
 * planning found it, or that comes back short, fails its task (items were added or deleted, offsets
 * shifted). The last is followed by a read on to the last page.
 */
final class OffsetPlanner implements PartitionPlanner {

  private final Sizing sizing;

  OffsetPlanner(Sizing sizing) {
    this.sizing = sizing;
  }

  @Override
  public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
    Counts.Count count = Counts.of(client, query.request());
    List<Bin> bins = Sizing.join(Sizing.anchored(client, split(query, count.items(), parallelism)));
    return new Plan(bins, count.exact() ? List.of() : List.of(count.note()));
  }

  List<Bin> split(MediaQuery query, long total, int parallelism) {
    List<Bin> bins = new ArrayList<>();
    long count = total == 0 ? 0 : sizing.partitions(total, parallelism);
    long offset = 0;
    for (int i = 0; i < count; i++) {
      long size = total / count + (i < total % count ? 1 : 0);
      bins.add(Sizing.range(query, offset, size, total));
      offset += size;
    }
    return bins;
  }

  @Override
  public String toString() {
    return "offset";
  }
}
