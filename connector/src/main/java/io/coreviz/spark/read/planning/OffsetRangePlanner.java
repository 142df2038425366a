package io.coreviz.spark.read.planning;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the ordered results into equal offset ranges, sized from one probe request ({@code
 * limit=1}) that reads {@code pagination.total}.
 *
 * <p>The number of ranges is the larger of {@code total / itemsPerPartition} and the cluster's
 * parallelism, but never more than one range per page. A scored read is one range: relevance ties
 * have no stable order across requests, and splitting could drop or repeat rows.
 */
final class OffsetRangePlanner implements PartitionPlanner {

  private final ReadOptions options;

  OffsetRangePlanner(ReadOptions options) {
    this.options = options;
  }

  @Override
  public List<MediaPartition> plan(CoreVizClient client, int parallelism) {
    long total = client.fetch(options.request().page(0, 1), ItemReader.SKIP).pagination().total();
    return split(total, parallelism);
  }

  List<MediaPartition> split(long total, int parallelism) {
    List<MediaPartition> partitions = new ArrayList<>();
    if (total == 0) {
      return partitions;
    }
    long count = 1;
    if (!options.scored()) {
      long bySize = ceilDiv(total, options.itemsPerPartition());
      long byPages = ceilDiv(total, options.pageSize());
      count = Math.max(bySize, Math.min(parallelism, byPages));
    }
    long base = total / count;
    long remainder = total % count;
    long offset = 0;
    for (int i = 0; i < count; i++) {
      long size = base + (i < remainder ? 1 : 0);
      partitions.add(new MediaPartition(i, offset, size));
      offset += size;
    }
    return partitions;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  @Override
  public String toString() {
    return options.scored() ? "offset (scored: one partition)" : "offset";
  }
}
