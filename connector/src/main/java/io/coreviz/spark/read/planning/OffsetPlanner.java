package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code partitionBy=offset}: equal, contiguous partitions of the ordered results, sized from a
 * checked count ({@link Counts}), each cut into contiguous ranges its task reads at once, each
 * range with the id found at its first offset (one probe per range, all at once). Ranges are exact:
 * a range whose first or next range's item is no longer where planning found it, or that comes back
 * short, fails its task (items were added or deleted, offsets shifted). The last is followed by a
 * read on to the last page.
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

  /**
   * Contiguous partitions of the {@code total} results, each a run of equal contiguous ranges of
   * about {@link Sizing.Units#target()} items, so its task reads several at once; the last range is
   * followed by a read on to the last page.
   */
  List<Bin> split(MediaQuery query, long total, int parallelism) {
    List<Bin> bins = new ArrayList<>();
    int count = total == 0 ? 0 : sizing.partitions(total, parallelism);
    long unit = count == 0 ? 1 : sizing.units(total, count).target();
    long offset = 0;
    for (int i = 0; i < count; i++) {
      long size = total / count + (i < total % count ? 1 : 0);
      // About a unit each, and no more ranges than pages: a range is read a page at a time.
      long pieces = Math.max(1, Math.min(Sizing.ceilDiv(size, unit), sizing.pages(size)));
      List<Segment> ranges = new ArrayList<>();
      long from = offset;
      for (int j = 0; j < pieces; j++) {
        long length = size / pieces + (j < size % pieces ? 1 : 0);
        ranges.addAll(Sizing.range(query, from, length, total).segments());
        from += length;
      }
      bins.add(new Bin(ranges, size));
      offset += size;
    }
    return bins;
  }

  @Override
  public String toString() {
    return "offset";
  }
}
