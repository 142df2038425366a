package io.coreviz.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the quality job's near-copy search costs a night as the collection grows: {@link
 * DuplicateSets#nearPairs} for a night's new items against every blob kept, and for every pair of
 * blobs (what each night paid before the search was limited to the checked items, and what a {@code
 * --full} run pays), on generated blob rows: {@code blobs} items with uniformly random 64-bit
 * hashes (the fewest candidates a collection can have: real pictures' hashes cluster, and clustered
 * hashes share more bytes) in 16 colour groups, the last {@code fresh} of them near copies of
 * earlier ones (5 bits flipped, the same colours). Spark {@code local[2]} with the job's 8 shuffle
 * partitions; the new items' search is the median of 3. Each size also checks that the new items'
 * search finds every planted copy, and, where every pair is searched too, exactly the pairs of that
 * search with a new item in them. Results go to stdout and {@code target/duplicates-benchmark.txt}.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pduplicates-benchmark verify
 * </pre>
 *
 * <p>Arguments: the collection sizes (default {@code 5000,20000,100000,1000000}), the new items
 * (default 50), and the largest size whose every pair is searched (default 100000).
 */
public final class DuplicatesBenchmark {

  private DuplicatesBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[SIZES [NEW [EVERY_PAIR_UP_TO]]]", args);
    List<Integer> sizes = arguments.numbers(0, "blob counts", 1, "5000,20000,100000,1000000");
    int fresh = arguments.number(1, "new items", 1, 50);
    int everyPairUpTo = arguments.number(2, "largest count searched pair by pair", 0, 100_000);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("DuplicatesBenchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            .getOrCreate();
    StringBuilder report = new StringBuilder();
    report.append(
        String.format(
            Locale.ROOT,
            "Duplicates benchmark, %s: near-copy search (DuplicateSets.nearPairs), %d new items,"
                + " uniformly random hashes, 2 cores, Spark local[2]%n%n"
                + "| blobs kept | the new items against all, s | every pair, s | pairs found |%n"
                + "|---|---|---|---|%n",
            LocalDate.now(),
            fresh));
    try {
      // A first search to load Spark's and the job's classes before anything is timed.
      Dataset<Row> warmUp = blobs(spark, 2_000, fresh);
      DuplicateSets.nearPairs(warmUp, newItems(warmUp, 2_000, fresh));
      for (int size : sizes) {
        Dataset<Row> blobs = blobs(spark, size, fresh).cache();
        blobs.count();
        Dataset<Row> checked = newItems(blobs, size, fresh);
        double[] times = new double[3];
        List<String[]> pairs = null;
        for (int i = 0; i < times.length; i++) {
          long start = System.nanoTime();
          pairs = DuplicateSets.nearPairs(blobs, checked);
          times[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(times);
        Set<List<String>> found = normalised(pairs);
        for (long serial = size - fresh; serial < size; serial++) {
          List<String> planted = List.of(id(source(serial, size, fresh)), id(serial));
          if (!found.contains(planted)) {
            throw new IllegalStateException("the planted copy " + planted + " was not found");
          }
        }
        String every = "not run";
        if (size <= everyPairUpTo) {
          long start = System.nanoTime();
          List<String[]> all = DuplicateSets.nearPairs(blobs, blobs.select("id"));
          every = String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9);
          Set<List<String>> withNew = new HashSet<>();
          for (List<String> pair : normalised(all)) {
            if (serial(pair.get(0)) >= size - fresh || serial(pair.get(1)) >= size - fresh) {
              withNew.add(pair);
            }
          }
          if (!withNew.equals(found)) {
            throw new IllegalStateException(
                "the new items' pairs differ from those of every pair: "
                    + withNew.size()
                    + " and "
                    + found.size());
          }
        }
        String row =
            String.format(
                Locale.ROOT, "| %,d | %.2f | %s | %d |%n", size, times[1], every, found.size());
        System.out.print(row);
        report.append(row);
        blobs.unpersist();
      }
    } finally {
      spark.stop();
    }
    Path out = Path.of("target", "duplicates-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
    System.out.print(report);
  }

  /**
   * Blob rows as the job keeps them ({@code id, sha256, phash, colors}, and the {@code serial} they
   * are generated from): item {@code i}'s hash is random, its colour layout one of 16 flat ones,
   * except that the last {@code fresh} copy an earlier item each.
   */
  private static Dataset<Row> blobs(SparkSession spark, long size, int fresh) {
    long earlier = size - fresh;
    String source =
        "IF(id >= " + earlier + ", ((id - " + earlier + ") * 997) % " + earlier + ", id)";
    return spark
        .range(size)
        .selectExpr(
            "id AS serial",
            "format_string('item-%010d', id) AS id",
            "sha2(CAST(id AS STRING), 256) AS sha256",
            "xxhash64(" + source + ") ^ IF(id >= " + earlier + ", 68988964880L, 0L) AS phash",
            "unhex(repeat(lpad(hex((" + source + " % 16) * 16), 2, '0'), 48)) AS colors");
  }

  /** The ids of {@link #blobs}' last {@code fresh} rows: a night's new items. */
  private static Dataset<Row> newItems(Dataset<Row> blobs, long size, int fresh) {
    return blobs.filter("serial >= " + (size - fresh)).select("id");
  }

  /** The earlier item that new item {@code serial} copies, as {@link #blobs} plants it. */
  private static long source(long serial, long size, int fresh) {
    long earlier = size - fresh;
    return ((serial - earlier) * 997) % earlier;
  }

  private static String id(long serial) {
    return String.format(Locale.ROOT, "item-%010d", serial);
  }

  private static long serial(String id) {
    return Long.parseLong(id.substring("item-".length()));
  }

  private static Set<List<String>> normalised(List<String[]> pairs) {
    Set<List<String>> set = new HashSet<>();
    for (String[] pair : pairs) {
      set.add(List.of(pair[0], pair[1]));
    }
    return set;
  }
}
