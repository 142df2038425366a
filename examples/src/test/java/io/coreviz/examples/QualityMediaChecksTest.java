package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.PlantedDefects;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The media checks find exactly the defects the local server's generator planted: blobs that 404,
 * truncated bytes, wrong dimensions, exact copies and near copies (re-encoded, resized, cropped).
 */
class QualityMediaChecksTest {

  private static final String KEY = "quality-media-key";
  private static SparkSession spark;
  private static CoreVizEmulator server;
  private static PlantedDefects planted;
  private static Dataset<Row> blobs;
  private static Map<String, String> options;
  private static MediaCollection collection;

  private static Set<Set<String>> sameBytes() {
    return GeneratedBlobs.sameBytes(collection);
  }

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(TestSeeds.seed(21), 600).measureSizes();
    planted = PlantedDefects.plant(collection, TestSeeds.seed(5), 2);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("QualityMediaChecksTest");
    options = Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id());
    blobs =
        BlobChecks.inspect(spark.read().format("coreviz").options(options).load(), options)
            .rows()
            .cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  @Test
  void brokenBlobsAreExactlyThePlantedOnes() {
    Map<String, Set<String>> found = new HashMap<>();
    for (Row row : blobs.filter("status <> 'ok'").collectAsList()) {
      found.computeIfAbsent(row.getString(1), r -> new HashSet<>()).add(row.getString(0));
    }
    assertThat(found).isEqualTo(planted.broken());
    assertThat(blobs.filter("status = 'blob_undecodable'").first().<String>getAs("detail"))
        .containsAnyOf("truncated", "corrupt");
  }

  @Test
  void duplicateSetsAreExactlyThePlantedOnes() {
    Set<Set<String>> exact = sameBytes();
    assertThat(exact).containsAll(planted.exactSets());
    Dataset<Row> all = blobs.select("id");
    assertThat(new HashSet<>(DuplicateSets.exact(blobs, all))).isEqualTo(exact);
    assertThat(new HashSet<>(DuplicateSets.sets(DuplicateSets.nearPairs(blobs, all))))
        .isEqualTo(new HashSet<>(planted.nearSets()));
  }

  /**
   * Checking only some items (a night's new ones) pairs each of them with every other item and
   * pairs nothing else: with the originals of the near copies checked, exactly the pairs of an
   * original and its copies, none of two copies; with one copy of each exact set, just those sets.
   */
  @Test
  void onlyPairsWithACheckedItemAreFound() {
    Set<String> originals = new HashSet<>();
    Set<Set<String>> expected = new HashSet<>();
    for (Set<String> set : planted.nearSets()) {
      List<String> ids = new ArrayList<>(set);
      originals.add(ids.get(0));
      for (String copy : ids.subList(1, ids.size())) {
        expected.add(Set.of(ids.get(0), copy));
      }
    }
    List<String[]> pairs = DuplicateSets.nearPairs(blobs, ids(originals));
    Set<Set<String>> found = new HashSet<>();
    for (String[] pair : pairs) {
      assertThat(pair[0]).isLessThan(pair[1]);
      found.add(Set.of(pair[0], pair[1]));
    }
    assertThat(found).isEqualTo(expected);
    assertThat(pairs).as("each pair once").hasSameSizeAs(found);

    Set<String> oneOfEach = new HashSet<>();
    planted.exactSets().forEach(set -> oneOfEach.add(set.iterator().next()));
    assertThat(new HashSet<>(DuplicateSets.exact(blobs, ids(oneOfEach))))
        .isEqualTo(new HashSet<>(planted.exactSets()));
  }

  private static Dataset<Row> ids(Set<String> ids) {
    return spark
        .createDataset(new ArrayList<>(ids), org.apache.spark.sql.Encoders.STRING())
        .toDF("id");
  }

  @Test
  void everyPairWithinFifteenBitsIsComparedWhateverItsBytes() {
    long original = 0x0123456789ABCDEFL;
    byte[] colors = new byte[48];
    byte[] otherColors = new byte[48];
    java.util.Arrays.fill(otherColors, (byte) 13);
    // 15 bits apart with no byte equal: seven bytes differ in two bits each, one in one bit.
    long everyByteDiffers = original ^ 0x0303030303030301L;
    // The most a near copy may differ in (four bytes equal), and one bit more.
    long atTheThreshold = original ^ 0x1F1F1F1F00000000L;
    long beyond = original ^ 0x1F1F1F3F00000000L;

    assertThat(Long.bitCount(original ^ everyByteDiffers)).isEqualTo(15);
    assertThat(Long.bitCount(original ^ atTheThreshold)).isEqualTo(20);
    assertThat(Long.bitCount(original ^ beyond)).isEqualTo(21);
    assertThat(paired(original, colors, everyByteDiffers, colors)).isTrue();
    assertThat(paired(original, colors, atTheThreshold, colors)).isTrue();
    assertThat(paired(original, colors, beyond, colors)).isFalse();
    // The same hash, colour layouts 13 levels apart: other pictures.
    assertThat(paired(original, colors, original, otherColors)).isFalse();
  }

  /** Whether {@link DuplicateSets#nearPairs} pairs two pictures with these hashes and colours. */
  private static boolean paired(long x, byte[] xColors, long y, byte[] yColors) {
    Dataset<Row> pictures = pictures(Map.of("x", x, "y", y), Map.of("x", xColors, "y", yColors));
    return !DuplicateSets.nearPairs(pictures, pictures.select("id")).isEmpty();
  }

  /** Blob rows of pictures with these hashes and colour layouts, by id. */
  private static Dataset<Row> pictures(Map<String, Long> hashes, Map<String, byte[]> colors) {
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("sha256", DataTypes.StringType)
            .add("phash", DataTypes.LongType)
            .add("colors", DataTypes.BinaryType);
    List<Row> rows = new ArrayList<>();
    hashes.forEach(
        (id, hash) -> rows.add(RowFactory.create(id, "sha-" + id, hash, colors.get(id))));
    return spark.createDataFrame(rows, schema);
  }

  /**
   * A night's near sets, as the duplicates stage makes them: its checked items with the earlier
   * items they copy, directly or through another checked item, and nothing an earlier item copies
   * alone. A chain of pictures each 16 bits from the next (and 32 or more from any other): a and b,
   * b and c, c and d, and e and a are copies; of these, c and d are the night's.
   */
  @Test
  void aNightsSetsAreItsCheckedItemsWithWhatTheyCopy() {
    long a = 0x0123456789ABCDEFL;
    long b = a ^ 0x000000000000FFFFL;
    long c = b ^ 0x00000000FFFF0000L;
    long d = c ^ 0x0000FFFF00000000L;
    long e = a ^ 0xFFFF000000000000L;
    Map<String, Long> hashes = Map.of("a", a, "b", b, "c", c, "d", d, "e", e);
    byte[] layout = new byte[48];
    Map<String, byte[]> colors = new HashMap<>();
    hashes.keySet().forEach(id -> colors.put(id, layout));
    Dataset<Row> pictures = pictures(hashes, colors);

    assertThat(nightsSets(pictures, "c", "d"))
        .as("b through c; not a, which only b copies, nor e, which only a does")
        .containsExactly(Set.of("b", "c", "d"));
    assertThat(nightsSets(pictures, "d"))
        .as("c, which d copies; not b, which only c (not checked) copies")
        .containsExactly(Set.of("c", "d"));
    assertThat(nightsSets(pictures, "a", "b", "c", "d", "e"))
        .as("a full run: one set, every link in it")
        .containsExactly(Set.of("a", "b", "c", "d", "e"));
  }

  private static List<Set<String>> nightsSets(Dataset<Row> pictures, String... checked) {
    return DuplicateSets.sets(DuplicateSets.nearPairs(pictures, ids(Set.of(checked))));
  }

  @Test
  void copiesAreWithinTheThresholdsAndOtherPicturesOutside() {
    Map<String, Long> hashes = new HashMap<>();
    Map<String, byte[]> colors = new HashMap<>();
    for (Row row :
        blobs.filter("phash IS NOT NULL").select("id", "phash", "colors").collectAsList()) {
      hashes.put(row.getString(0), row.getLong(1));
      colors.put(row.getString(0), row.getAs(2));
    }
    // Every planted near copy against its original.
    Set<String> copies = new HashSet<>();
    int widestBits = 0;
    double widestColors = 0;
    List<Integer> noByteEqual = new ArrayList<>();
    for (Set<String> set : planted.nearSets()) {
      copies.addAll(set);
      List<String> ids = new ArrayList<>(set);
      for (String copy : ids.subList(1, ids.size())) {
        long difference = hashes.get(ids.get(0)) ^ hashes.get(copy);
        widestBits = Math.max(widestBits, Long.bitCount(difference));
        if (java.util.stream.IntStream.range(0, 8)
            .allMatch(b -> (difference >>> 8 * b & 255) != 0)) {
          noByteEqual.add(Long.bitCount(difference));
        }
        widestColors =
            Math.max(
                widestColors, BlobChecks.colorDistance(colors.get(ids.get(0)), colors.get(copy)));
      }
    }
    sameBytes().forEach(copies::addAll);
    // Every pair of other pictures: none within both thresholds.
    List<String> others = hashes.keySet().stream().filter(id -> !copies.contains(id)).toList();
    int closeInBits = 0;
    double closestColorsOfThose = 255;
    for (int i = 0; i < others.size(); i++) {
      for (int j = i + 1; j < others.size(); j++) {
        String x = others.get(i);
        String y = others.get(j);
        if (Long.bitCount(hashes.get(x) ^ hashes.get(y)) <= DuplicateSets.MAX_DISTANCE) {
          closeInBits++;
          closestColorsOfThose =
              Math.min(
                  closestColorsOfThose, BlobChecks.colorDistance(colors.get(x), colors.get(y)));
        }
      }
    }
    System.out.printf(
        "near copies: within %d bits and %.1f colour levels (no byte of the hash equal: %s bits);"
            + " %d pairs of other pictures within %d bits, their colours %.1f levels apart or"
            + " more%n",
        widestBits,
        widestColors,
        noByteEqual,
        closeInBits,
        DuplicateSets.MAX_DISTANCE,
        closestColorsOfThose);
    assertThat(widestBits).isLessThanOrEqualTo(DuplicateSets.MAX_DISTANCE);
    assertThat(widestColors).isLessThanOrEqualTo(DuplicateSets.MAX_COLOR_DISTANCE);
    assertThat(closestColorsOfThose).isGreaterThan(DuplicateSets.MAX_COLOR_DISTANCE);
    if (TestSeeds.offset() != 0) {
      return; // the figures below are of the test's own collection
    }
    // The margins docs/quality-job.md gives for these pictures.
    assertThat(widestBits).as("bits between a copy and its original, at most").isEqualTo(12);
    assertThat(widestColors)
        .as("colour levels between a copy and its original, at most")
        .isCloseTo(4.7, org.assertj.core.api.Assertions.within(0.05));
    assertThat(closeInBits).as("pairs of other pictures within the bits").isEqualTo(1508);
    assertThat(closestColorsOfThose)
        .as("their colour levels apart, at least")
        .isCloseTo(21.9, org.assertj.core.api.Assertions.within(0.05));
  }

  @Test
  void theJobFlagsThePlantedDefectsAndShowsThem(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    QualityJob.Result result = QualityJob.run(spark, options, dir);

    Map<String, Set<String>> flagged =
        FlaggedIds.byReason(
            spark.read().parquet(result.flaggedParquet().toString()), QualityChecks.MEDIA_REASONS);
    Map<String, Set<String>> expected = new HashMap<>(planted.broken());
    Set<String> exact = new HashSet<>();
    sameBytes().forEach(exact::addAll);
    expected.put("exact_duplicate", exact);
    Set<String> near = new HashSet<>();
    planted.nearSets().forEach(near::addAll);
    expected.put("near_duplicate", near);
    assertThat(flagged).isEqualTo(expected);

    String html = java.nio.file.Files.readString(result.html());
    assertThat(html).contains("<h2>Duplicate sets</h2>").doesNotContain("src=\"http");
    int sets = sameBytes().size() + planted.nearSets().size();
    assertThat(html.split("class=\"dupset ", -1)).hasSize(sets + 1);
    assertThat(html).contains("<img class=\"thumb\"");

    // Drawn by a real browser: every thumbnail decodes, the charts have their bars and lines.
    Chromium.Drawn drawn = Chromium.render(result.html());
    assertThat(drawn.thumbnails()).isGreaterThan(sets);
    assertThat(drawn.decoded()).isEqualTo(drawn.thumbnails());
    assertThat(drawn.lines()).as("trend lines").isGreaterThanOrEqualTo(2);
    assertThat(drawn.bars()).as("bars").isGreaterThan(10);
  }
}
