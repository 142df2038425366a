package io.coreviz.spark.read.planning;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How many partitions a result deserves, and the probes and splits planners share. */
final class Sizing {

  private final ReadOptions options;

  Sizing(ReadOptions options) {
    this.options = options;
  }

  /**
   * The number of partitions for {@code total} items: enough for {@code itemsPerPartition} each, at
   * least the cluster's parallelism when there are that many pages, at most {@code numPartitions}.
   */
  int partitions(long total, int parallelism) {
    long bySize = ceilDiv(total, options.itemsPerPartition());
    long byPages = ceilDiv(total, options.pageSize());
    long count = Math.max(bySize, Math.min(parallelism, byPages));
    return (int) Math.max(1, Math.min(count, options.numPartitions()));
  }

  /**
   * The largest unit planners cut: a quarter of a partition, so balancing units over {@code
   * partitions} bins keeps every partition within 5/3 of every other.
   */
  static long unitMax(long total, int partitions) {
    return Math.max(1, total / partitions / 4);
  }

  /** {@code pagination.total} of a query, from one request with {@code limit=1}. */
  static long total(CoreVizClient client, MediaRequest request) {
    return client.fetch(request.page(0, 1), ItemReader.SKIP).pagination().total();
  }

  /**
   * Cuts the {@code count} items of {@code params} into exact offset ranges of at most {@code
   * unitMax}; a count within one unit is read whole instead, which needs no exact count.
   */
  static List<Bin> ranges(Map<String, String> params, long count, long unitMax) {
    List<Bin> bins = new ArrayList<>();
    if (count <= unitMax) {
      bins.add(Bin.of(Segment.all(params), count));
      return bins;
    }
    for (long offset = 0; offset < count; offset += unitMax) {
      long size = Math.min(unitMax, count - offset);
      bins.add(Bin.of(Segment.range(params, offset, size), size));
    }
    return bins;
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
