package io.coreviz.spark.read.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.options.ReadOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OffsetPlannerTest {

  private static final MediaQuery QUERY = MediaQuery.of("c0ffee00c0ffee00c0ffee00c0ffee00");

  private static OffsetPlanner planner(int pageSize, int itemsPerPartition, String q) {
    Map<String, String> options =
        new HashMap<>(
            Map.of(
                "collectionId",
                "0f8fad5bd9cb469fa16570867728950e",
                "apiKey",
                "k",
                "pageSize",
                String.valueOf(pageSize),
                "itemsPerPartition",
                String.valueOf(itemsPerPartition)));
    if (q != null) {
      options.put("q", q);
    }
    ReadOptions read = ReadOptions.parse(options, key -> null, key -> null);
    return new OffsetPlanner(
        new Sizing(read.itemsPerPartition(), read.pageSize(), read.numPartitions(), 8));
  }

  @ParameterizedTest(name = "total={0} pageSize={1} itemsPerPartition={2} parallelism={3} -> {4}")
  @CsvSource({
    // total, pageSize, itemsPerPartition, parallelism, expected partitions
    "0, 100, 5000, 2, 0",
    "1, 100, 5000, 2, 1",
    "100, 100, 5000, 8, 1", // one page: no point in splitting
    "101, 100, 5000, 8, 2",
    "3200, 100, 5000, 2, 2", // filled to the parallelism
    "3200, 100, 5000, 64, 32", // but never more than one partition per page
    "12000, 100, 5000, 2, 4", // sized by itemsPerPartition, three rounded up to two waves of two
    "12000, 100, 5000, 1, 3", // sized by itemsPerPartition
    "10000, 100, 5000, 1, 2",
  })
  void rangesAreContiguousBalancedAndCoverEveryOffsetOnce(
      long total, int pageSize, int itemsPerPartition, int parallelism, int expected) {
    List<Bin> bins = planner(pageSize, itemsPerPartition, null).split(QUERY, total, parallelism);

    assertThat(bins).hasSize(expected);
    long next = 0;
    for (int i = 0; i < bins.size(); i++) {
      Bin bin = bins.get(i);
      List<Segment> ranges = bin.segments();
      if (i + 1 == bins.size()) {
        // the last range is followed by a read on to the last page: a low count loses nothing
        assertThat(ranges.get(ranges.size() - 1)).isEqualTo(Segment.rest(QUERY, total));
        ranges = ranges.subList(0, ranges.size() - 1);
      }
      long covered = 0;
      for (Segment range : ranges) {
        assertThat(range.exact()).isTrue();
        assertThat(range.offset()).as("%s starts where the last ended", range).isEqualTo(next);
        next = range.offset() + range.limit();
        covered += range.limit();
      }
      assertThat(bin.weight()).isEqualTo(covered);
      // A range per concurrent request (8), none smaller than a page but the last of a partition.
      long pages = (bin.weight() + pageSize - 1) / pageSize;
      assertThat(ranges).hasSizeBetween((int) Math.min(8, bin.weight() / pageSize), (int) pages);
    }
    assertThat(next).isEqualTo(total);
    long smallest = bins.stream().mapToLong(Bin::weight).min().orElse(0);
    long largest = bins.stream().mapToLong(Bin::weight).max().orElse(0);
    assertThat(largest - smallest).isLessThanOrEqualTo(1);
  }
}
