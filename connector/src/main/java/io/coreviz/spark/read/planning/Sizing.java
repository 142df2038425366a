package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.catalyst.InternalRow;

/** How many partitions a result deserves, and the probes and splits planners share. */
final class Sizing {

  private final int itemsPerPartition;
  private final int pageSize;
  private final int numPartitions;

  Sizing(int itemsPerPartition, int pageSize, int numPartitions) {
    this.itemsPerPartition = itemsPerPartition;
    this.pageSize = pageSize;
    this.numPartitions = numPartitions;
  }

  /**
   * The number of partitions for {@code total} items: enough for {@code itemsPerPartition} each, at
   * least the cluster's parallelism when there are that many pages, at most {@code numPartitions}.
   */
  int partitions(long total, int parallelism) {
    long bySize = ceilDiv(total, itemsPerPartition);
    long byPages = ceilDiv(total, pageSize);
    long count = Math.max(bySize, Math.min(parallelism, byPages));
    return (int) Math.max(1, Math.min(count, numPartitions));
  }

  /**
   * The largest unit planners cut: a quarter of a partition, so balancing units over {@code
   * partitions} bins keeps every partition within 5/3 of every other, and a task has at least four
   * segments to read at once. (Smaller units would use more of {@code maxConcurrentRequests}, but
   * cut more runs of equal timestamps, whose fallback, exact offset ranges, can miss an item when
   * another is deleted before it mid-scan.)
   */
  long unitMax(long total, int partitions) {
    return Math.max(1, total / partitions / 4);
  }

  /**
   * {@code pagination.total} of a query, from one request with {@code limit=1}: what the server
   * reports, good for sizing; {@link Counts#of} where the number must be right.
   */
  static CompletableFuture<Long> total(CoreVizClient client, MediaQuery query) {
    return client
        .fetchAsync(query.page(0, 1), ItemReader.SKIP)
        .thenApply(page -> page.pagination().total());
  }

  /** The first of many planning results, waiting: unwraps what the probes failed with. */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Cuts the {@code count} items of {@code query}, oldest first, into units of at most {@code
   * unitMax} by creation time: one probe per cut reads the {@code createdAt} at that offset (all
   * probes at once), and each unit covers {@code [cut, next cut)}. Unlike offset ranges, these stay
   * exact while items are added or deleted. Equal timestamps never straddle a cut; where a run of
   * them would, the units are exact offset ranges instead.
   */
  static CompletableFuture<List<Bin>> cuts(
      CoreVizClient client, MediaQuery query, long count, long unitMax) {
    MediaQuery sorted = query.withSort(MediaQuery.Sort.OLDEST_FIRST);
    if (count <= unitMax) {
      return CompletableFuture.completedFuture(
          List.of(Bin.of(Segment.all(sorted).expecting(count), count)));
    }
    List<CompletableFuture<MediaPage<InternalRow>>> probes = new ArrayList<>();
    for (long offset = 0; offset < count; offset += unitMax) {
      probes.add(client.fetchAsync(sorted.page(offset, 1), CreatedAt.READER));
    }
    return CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0]))
        .thenApply(done -> cut(sorted, probes, count, unitMax));
  }

  private static List<Bin> cut(
      MediaQuery sorted,
      List<CompletableFuture<MediaPage<InternalRow>>> probes,
      long count,
      long unitMax) {
    List<Long> keys = new ArrayList<>();
    for (CompletableFuture<MediaPage<InternalRow>> probe : probes) {
      MediaPage<InternalRow> page = probe.join();
      if (page.items().isEmpty() || page.items().get(0).isNullAt(0)) {
        break; // fewer items than counted: the last unit reads to the end anyway
      }
      long key = page.items().get(0).getLong(0);
      if (!keys.isEmpty() && key <= keys.get(keys.size() - 1)) {
        // A run of equal timestamps spans a cut: time cannot separate these units. Fall back to
        // exact offset ranges, which need a stable order and fail loudly when items vanish.
        return ranges(sorted, count, unitMax);
      }
      keys.add(key);
    }
    List<Bin> bins = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      long offset = i * unitMax;
      Long from = i == 0 ? null : keys.get(i);
      Long to = i + 1 < keys.size() ? keys.get(i + 1) : null;
      long size = i + 1 < keys.size() ? unitMax : count - offset;
      bins.add(Bin.of(Segment.keyed(sorted, offset, from, to), size));
    }
    return bins;
  }

  /** Exact offset ranges of at most {@code unitMax} over {@code count} items ({@link #range}). */
  static List<Bin> ranges(MediaQuery query, long count, long unitMax) {
    List<Bin> bins = new ArrayList<>();
    for (long offset = 0; offset < count; offset += unitMax) {
      bins.add(range(query, offset, Math.min(unitMax, count - offset), count));
    }
    return bins;
  }

  /**
   * The exact range of {@code size} items from {@code offset}, of {@code count} in all. The last
   * range is followed by a read from {@code count} on to the last page: one empty request where the
   * count was right, the rest where items were added since.
   */
  static Bin range(MediaQuery query, long offset, long size, long count) {
    Segment range = Segment.range(query, offset, size);
    if (offset + size < count) {
      return Bin.of(range, size);
    }
    return new Bin(List.of(range, Segment.rest(query, count)), size);
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
