package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.errors.DataException;
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
  private final int segmentsPerPartition;
  private final int probesAtOnce;

  Sizing(int itemsPerPartition, int pageSize, int numPartitions, int segmentsPerPartition) {
    this(itemsPerPartition, pageSize, numPartitions, segmentsPerPartition, Integer.MAX_VALUE);
  }

  /**
   * @param segmentsPerPartition how many segments a task reads at once ({@code
   *     maxConcurrentRequests}): planners cut each partition into at least that many units
   * @param probesAtOnce how many requests the driver sends at once ({@code
   *     maxConcurrentRequestsPerExecutor}): a round with more probes goes out in two batches
   */
  Sizing(
      int itemsPerPartition,
      int pageSize,
      int numPartitions,
      int segmentsPerPartition,
      int probesAtOnce) {
    this.itemsPerPartition = itemsPerPartition;
    this.pageSize = pageSize;
    this.numPartitions = numPartitions;
    this.segmentsPerPartition = segmentsPerPartition;
    this.probesAtOnce = probesAtOnce;
  }

  /**
   * The number of partitions for {@code total} items: enough for {@code itemsPerPartition} each,
   * rounded up to whole waves of the cluster's parallelism (five partitions on two slots would
   * leave one task reading alone at the end; six do not), never more than one per page, at most
   * {@code numPartitions}.
   */
  int partitions(long total, int parallelism) {
    long bySize = ceilDiv(total, itemsPerPartition);
    long byPages = ceilDiv(total, pageSize);
    long slots = Math.max(1, parallelism);
    long count = Math.min(ceilDiv(bySize, slots) * slots, Math.max(bySize, byPages));
    return (int) Math.max(1, Math.min(count, numPartitions));
  }

  /**
   * How planners cut a read into units, balanced over partitions afterwards.
   *
   * @param max the largest unit cut by creation time or offset: a quarter of a partition (date
   *     windows of several days, read ahead with all of a task's requests, may hold up to twice
   *     that), so balancing units over the partitions keeps partitions within 5/3 of each other (3x
   *     where windows are that large; the skewed collections of the tests stay within 2x)
   * @param target the size planners cut to where they cut: a partition's share of the segments its
   *     task reads at once ({@code maxConcurrentRequests}), so a task has that many to read;
   *     rounded up, so that evenly filled units make no unit more than the tasks read at once (one
   *     more would be read alone after the others)
   */
  record Units(long max, long target) {}

  /** The most probes one round sends beside {@code alongside} others without a second batch. */
  int probesPerRound(int alongside) {
    return Math.max(2, probesAtOnce - alongside);
  }

  /** How many pages {@code items} take. */
  long pages(long items) {
    return ceilDiv(items, pageSize);
  }

  /** The units of {@code total} items in {@code partitions}; never less than a page. */
  Units units(long total, int partitions) {
    long partition = Math.max(1, ceilDiv(total, partitions));
    long page = Math.min(pageSize, partition);
    return new Units(
        Math.max(page, ceilDiv(partition, 4)),
        Math.max(page, ceilDiv(partition, Math.max(4, segmentsPerPartition))));
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
   * Waits for {@code probes} (null: none) to end, however they end: no request of a plan outlives
   * it, failed or not.
   */
  static void settled(CompletableFuture<?> probes) {
    if (probes != null) {
      probes.handle((answer, error) -> null).join();
    }
  }

  /**
   * Cuts the {@code count} items of {@code query}, oldest first, into units of about {@code
   * units.target()} by creation time where there are more than {@code units.max()}: one probe per
   * cut reads the {@code createdAt} at that offset (all probes at once), and each unit covers
   * {@code [cut, next cut)}. Unlike offset ranges, these stay exact while items are added or
   * deleted, and whatever order the server gives equal timestamps. Equal timestamps never straddle
   * a cut: a cut that lands inside a run of them is dropped, and its neighbours' unit reads the
   * whole run. Where the run may be longer than a page, which paging by key cannot read, the units
   * are exact offset ranges instead, checked at every boundary ({@link Segment#firstId()}).
   */
  CompletableFuture<List<Bin>> cuts(
      CoreVizClient client, MediaQuery query, long count, Units units) {
    if (count <= units.max()) {
      return CompletableFuture.completedFuture(List.of(whole(query, count)));
    }
    MediaQuery sorted = query.withSort(MediaQuery.Sort.OLDEST_FIRST);
    long unit = units.target();
    List<CompletableFuture<MediaPage<InternalRow>>> probes = new ArrayList<>();
    for (long offset = 0; offset < count; offset += unit) {
      probes.add(client.fetchAsync(sorted.page(offset, 1), CreatedAt.WITH_ID));
    }
    return CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0]))
        .thenApply(done -> cut(sorted, probes, count, unit));
  }

  /** All {@code count} items of {@code query} as one unit, read oldest first by key. */
  static Bin whole(MediaQuery query, long count) {
    return Bin.of(
        Segment.all(query.withSort(MediaQuery.Sort.OLDEST_FIRST)).expecting(count), count);
  }

  private List<Bin> cut(
      MediaQuery sorted,
      List<CompletableFuture<MediaPage<InternalRow>>> probes,
      long count,
      long spacing) {
    List<InternalRow> found = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (CompletableFuture<MediaPage<InternalRow>> probe : probes) {
      MediaPage<InternalRow> page = probe.join();
      if (page.items().isEmpty() || page.items().get(0).isNullAt(0)) {
        break; // fewer items than counted: the last unit reads to the end anyway
      }
      found.add(page.items().get(0));
      ids.add(firstId(page));
    }
    List<Long> offsets = new ArrayList<>();
    List<Long> keys = new ArrayList<>();
    long equal = 0;
    for (int i = 0; i < found.size(); i++) {
      long key = found.get(i).getLong(0);
      equal = !keys.isEmpty() && key == keys.get(keys.size() - 1) ? equal + 1 : 0;
      if (equal > 0 && (equal + 2) * spacing - 1 > pageSize - 2) {
        // Up to this many items may share one instant: perhaps more than a page holds beside the
        // item before them and one after, which paging by key cannot read; offsets can.
        return ranges(sorted, count, spacing, ids);
      }
      if (!keys.isEmpty() && key <= keys.get(keys.size() - 1)) {
        // Inside a run of equal timestamps (or behind a cut that moved while probed): the
        // previous unit reads through to the next distinct instant.
        continue;
      }
      offsets.add(i * spacing);
      keys.add(key);
    }
    List<Bin> bins = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      Long from = i == 0 ? null : keys.get(i);
      Long to = i + 1 < keys.size() ? keys.get(i + 1) : null;
      long size = (i + 1 < keys.size() ? offsets.get(i + 1) : count) - offsets.get(i);
      bins.add(Bin.of(Segment.keyed(sorted, offsets.get(i), from, to), size));
    }
    return bins;
  }

  /**
   * The id a probe read with {@link CreatedAt#WITH_ID} found first, or null where it found none.
   */
  private static String firstId(MediaPage<InternalRow> probe) {
    List<InternalRow> items = probe.items();
    return items.isEmpty() || items.get(0).isNullAt(1)
        ? null
        : items.get(0).getUTF8String(1).toString();
  }

  /**
   * Exact offset ranges of {@code size} items (the last fewer) over {@code count} items ({@link
   * #range}), with {@code ids[i]} the id planning found at the i-th range's first offset.
   */
  static List<Bin> ranges(MediaQuery query, long count, long size, List<String> ids) {
    List<Bin> bins = new ArrayList<>();
    for (long offset = 0; offset < count; offset += size) {
      bins.add(range(query, offset, Math.min(size, count - offset), count));
    }
    return between(bins, ids);
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

  /**
   * Bins of contiguous exact ranges (their exact segments in offset order, across bins), each range
   * with the id found at its first offset and the next one's: probes every range's first offset,
   * all at once.
   */
  static CompletableFuture<List<Bin>> anchored(CoreVizClient client, List<Bin> ranges) {
    List<CompletableFuture<MediaPage<InternalRow>>> probes = new ArrayList<>();
    for (Bin bin : ranges) {
      for (Segment range : bin.segments()) {
        if (range.exact()) {
          probes.add(client.fetchAsync(range.query().page(range.offset(), 1), CreatedAt.WITH_ID));
        }
      }
    }
    return CompletableFuture.allOf(probes.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<String> ids = new ArrayList<>();
              for (CompletableFuture<MediaPage<InternalRow>> probe : probes) {
                ids.add(firstId(probe.join()));
              }
              return between(ranges, ids);
            });
  }

  /**
   * {@code ranges} with {@code ids[i]} as the i-th exact range's first id (counted across bins, in
   * order) and the previous one's after.
   */
  private static List<Bin> between(List<Bin> ranges, List<String> ids) {
    List<Bin> anchored = new ArrayList<>();
    int i = 0;
    for (Bin bin : ranges) {
      List<Segment> segments = new ArrayList<>();
      for (Segment segment : bin.segments()) {
        if (segment.exact()) {
          String first = i < ids.size() ? ids.get(i) : null;
          if (first == null) {
            throw new DataException(
                "CoreViz has no item at offset "
                    + segment.offset()
                    + " of "
                    + segment.query()
                    + ", where the count taken a moment before put one: items were deleted while"
                    + " the scan was planned, so offset ranges cannot be read exactly. Run the"
                    + " query again, or use partitionBy=date, which tolerates changes.");
          }
          String after = i + 1 < ids.size() ? ids.get(i + 1) : null;
          segment = segment.between(first, after);
          i++;
        }
        segments.add(segment);
      }
      anchored.add(new Bin(segments, bin.weight()));
    }
    return anchored;
  }

  /** Planners' units found at once, in the order of {@code parts}. */
  static CompletableFuture<List<Bin>> all(List<CompletableFuture<List<Bin>>> parts) {
    return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0]))
        .thenApply(
            done -> {
              List<Bin> bins = new ArrayList<>();
              parts.forEach(part -> bins.addAll(part.join()));
              return bins;
            });
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Sizing that
        && itemsPerPartition == that.itemsPerPartition
        && pageSize == that.pageSize
        && numPartitions == that.numPartitions
        && segmentsPerPartition == that.segmentsPerPartition
        && probesAtOnce == that.probesAtOnce;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        itemsPerPartition, pageSize, numPartitions, segmentsPerPartition, probesAtOnce);
  }

  static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
