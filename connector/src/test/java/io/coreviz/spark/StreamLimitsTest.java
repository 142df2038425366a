package io.coreviz.spark;

import static io.coreviz.spark.StreamFixtures.created;
import static io.coreviz.spark.StreamFixtures.ids;
import static io.coreviz.spark.StreamFixtures.newest;
import static io.coreviz.spark.StreamFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Streams under {@code maxItemsPerTrigger}, their offsets' versions, their progress metrics, {@code
 * startingTimestamp=latest}, and exactness under every reading of the API the local server knows.
 * Expectations come from the local server's stored items.
 */
class StreamLimitsTest {

  private static final String KEY = "sk-stream-limits-19f0";

  @SharedSpark private static SparkSession spark;

  @TempDir Path dir;

  /** Batch id to the (id, createdAt) of the rows it read, for the run in progress. */
  private static final Map<Long, List<Row>> batches = Collections.synchronizedMap(new TreeMap<>());

  /**
   * One AvailableNow run; returns its progress reports, and leaves its batches in {@link #batches}.
   */
  private List<StreamingQueryProgress> run(DataStreamReader reader, String checkpoint)
      throws Exception {
    batches.clear();
    StreamingQuery query =
        reader
            .load()
            .select("id", "createdAt")
            .writeStream()
            .option("checkpointLocation", dir.resolve(checkpoint).toString())
            .foreachBatch(
                (VoidFunction2<Dataset<Row>, Long>)
                    (rows, id) -> batches.put(id, rows.collectAsList()))
            .trigger(Trigger.AvailableNow())
            .start();
    query.awaitTermination();
    return List.of(query.recentProgress());
  }

  private static List<String> read() {
    List<String> ids = new ArrayList<>();
    batches.values().forEach(rows -> rows.forEach(row -> ids.add(row.getString(0))));
    return ids;
  }

  /** A collection of {@code size} items and {@code tied} more at one instant in its middle. */
  private static MediaCollection withATieGroup(long seed, int size, int tied) {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(seed), size);
    List<Instant> times = collection.items().stream().map(MediaItem::createdAt).sorted().toList();
    Instant middle = times.get(times.size() / 2);
    for (MediaItem item : created(collection, seed + 1, tied, middle, 0)) {
      collection.add(item.withCreatedAt(middle), Map.of());
    }
    return collection;
  }

  @Test
  void aFirstRunUnderALimitReadsEveryItemOnceInSeveralBatchesEachInstantWhole() throws Exception {
    MediaCollection collection = withATieGroup(81, 300, 25);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      run(stream(spark, server, KEY, collection).option("maxItemsPerTrigger", "50"), "cp");

      assertThat(read())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection.items()));
      assertThat(batches).hasSizeGreaterThanOrEqualTo(collection.items().size() / (50 + 25));
      Map<Object, Long> batchOfInstant = new HashMap<>();
      batches.forEach(
          (batch, rows) -> {
            assertThat(rows.size()).as("batch %d", batch).isLessThanOrEqualTo(50 + 25);
            for (Row row : rows) {
              Long before = batchOfInstant.putIfAbsent(row.get(1), batch);
              assertThat(before == null || before.equals(batch))
                  .as("the items created at %s in one batch", row.get(1))
                  .isTrue();
            }
          });
    }
  }

  @Test
  void anInstantWithMoreItemsThanTheLimitIsOneBatchOfItsOwn() throws Exception {
    MediaCollection collection = withATieGroup(83, 200, 40);
    Instant tiedAt =
        collection.items().stream()
            .collect(java.util.stream.Collectors.groupingBy(MediaItem::createdAt))
            .entrySet()
            .stream()
            .filter(e -> e.getValue().size() >= 40)
            .findFirst()
            .orElseThrow()
            .getKey();
    Set<String> tied = new HashSet<>();
    collection.items().stream()
        .filter(item -> item.createdAt().equals(tiedAt))
        .forEach(item -> tied.add(item.id()));
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      run(stream(spark, server, KEY, collection).option("maxItemsPerTrigger", "30"), "cp");

      assertThat(read())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection.items()));
      assertThat(batches.values())
          .anySatisfy(
              rows ->
                  assertThat(rows.stream().map(r -> r.getString(0)).toList())
                      .containsExactlyInAnyOrderElementsOf(tied));
    }
  }

  @Test
  void progressShowsHowFarBehindTheNewestItemEachBatchEnds() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(85), 300);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      List<StreamingQueryProgress> progress =
          run(stream(spark, server, KEY, collection).option("maxItemsPerTrigger", "100"), "cp");

      long total = collection.items().size();
      long readSoFar = 0;
      int batchesSeen = 0;
      for (StreamingQueryProgress report : progress) {
        if (report.numInputRows() == 0) {
          continue;
        }
        readSoFar += report.numInputRows();
        Map<String, String> metrics = report.sources()[0].metrics();
        assertThat(metrics)
            .as("batch %d", report.batchId())
            .containsEntry("itemsBehindLatest", String.valueOf(total - readSoFar))
            .containsEntry("newestCreatedAt", newest(collection).toString())
            .containsKey("lagSeconds");
        batchesSeen++;
      }
      assertThat(batchesSeen).isGreaterThanOrEqualTo(3);
      assertThat(readSoFar).isEqualTo(total);
    }
  }

  @Test
  void latestReadsOnlyWhatIsCreatedAfterTheFirstRunStarts() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(87), 150);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      DataStreamReader latest =
          stream(spark, server, KEY, collection).option("startingTimestamp", "latest");
      run(latest, "cp");
      assertThat(read()).isEmpty();

      List<MediaItem> later = created(collection, 88, 6, newest(collection), 1);
      later.forEach(item -> collection.add(item, Map.of()));
      run(latest, "cp");

      assertThat(read()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(later));
    }
  }

  /**
   * The collection the committed checkpoint {@code stream/checkpoint-without-version} was written
   * against (its one batch read all of it), by a connector whose offsets had no version. Its seed
   * does not move with {@link TestSeeds}: the checkpoint's offset points into this collection.
   */
  private static MediaCollection legacyCollection() {
    return SyntheticCollection.generate(89, 120);
  }

  @Test
  void aCheckpointWrittenBeforeOffsetsHadVersionsGoesOnWhereItStopped() throws Exception {
    MediaCollection collection = legacyCollection();
    Path checkpoint = copyResource("stream/checkpoint-without-version", dir.resolve("cp"));
    assertThat(Files.readString(checkpoint.resolve("offsets/0"))).doesNotContain("version");
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      List<MediaItem> later = created(collection, 90, 7, newest(collection), 1);
      later.forEach(item -> collection.add(item, Map.of()));

      run(stream(spark, server, KEY, collection), "cp");

      assertThat(read()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids(later));
      assertThat(Files.readString(checkpoint.resolve("offsets/1"))).contains("\"version\":1");
    }
  }

  @Test
  void anOffsetOfAnUnknownVersionFailsNamingTheCheckpointAndTheVersion() throws Exception {
    MediaCollection collection = legacyCollection();
    Path checkpoint = copyResource("stream/checkpoint-without-version", dir.resolve("cp"));
    Path offsets = checkpoint.resolve("offsets/0");
    Files.writeString(
        offsets,
        Files.readString(offsets).replace("{\"createdAt\"", "{\"version\":7,\"createdAt\""));
    assertThat(Files.readString(offsets)).contains("\"version\":7");
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      assertThatThrownBy(() -> run(stream(spark, server, KEY, collection), "cp"))
          .hasStackTraceContaining("offset of version 7")
          .hasStackTraceContaining(checkpoint.getFileName().toString());
    }
  }

  static Stream<Arguments> readings() {
    return Stream.of(
        Arguments.of("UTC inclusive days", (UnaryOperator<CoreVizEmulator.Builder>) b -> b),
        Arguments.of(
            "days at -08:00",
            (UnaryOperator<CoreVizEmulator.Builder>) b -> b.dayZone(ZoneOffset.ofHours(-8))),
        Arguments.of(
            "days at +14:00",
            (UnaryOperator<CoreVizEmulator.Builder>) b -> b.dayZone(ZoneOffset.ofHours(14))),
        Arguments.of(
            "exclusive dateTo", (UnaryOperator<CoreVizEmulator.Builder>) b -> b.exclusiveDateTo()),
        Arguments.of(
            "total capped at 50", (UnaryOperator<CoreVizEmulator.Builder>) b -> b.totalCap(50)),
        Arguments.of(
            "total overstated by 40",
            (UnaryOperator<CoreVizEmulator.Builder>) b -> b.overstatedTotal(40)),
        Arguments.of(
            "unstable ties",
            (UnaryOperator<CoreVizEmulator.Builder>) b -> b.unstableTies(TestSeeds.seed(13))),
        Arguments.of(
            "numbers as strings",
            (UnaryOperator<CoreVizEmulator.Builder>) b -> b.numbersAsStrings()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readings")
  void twoRunsWithInsertsBetweenWriteEachItemOnce(
      String reading, UnaryOperator<CoreVizEmulator.Builder> semantics) throws Exception {
    MediaCollection collection = withATieGroup(91, 150, 12);
    try (CoreVizEmulator server =
        semantics.apply(CoreVizEmulator.builder().collection(collection).credential(KEY)).start()) {
      String out = dir.resolve("out").toString();
      String checkpoint = dir.resolve("cp").toString();
      VoidRun once =
          () ->
              stream(spark, server, KEY, collection)
                  .option("maxItemsPerTrigger", "60")
                  .load()
                  .select("id", "createdAt")
                  .writeStream()
                  .format("parquet")
                  .option("path", out)
                  .option("checkpointLocation", checkpoint)
                  .trigger(Trigger.AvailableNow())
                  .start()
                  .awaitTermination();
      once.run();
      // Later items over three days, two at the newest instant already read, all ids new.
      Instant mark = newest(collection);
      List<MediaItem> later = created(collection, 94, 70, mark, 3_000_000);
      later.forEach(item -> collection.add(item, Map.of()));
      created(collection, 95, 2, mark, 1)
          .forEach(item -> collection.add(item.withCreatedAt(mark), Map.of()));
      once.run();

      List<String> written =
          spark.read().parquet(out).select("id").collectAsList().stream()
              .map(r -> r.getString(0))
              .toList();
      assertThat(written)
          .as(reading)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection.items()));
    }
  }

  private static Path copyResource(String resource, Path to) throws Exception {
    Path from = Path.of(StreamLimitsTest.class.getClassLoader().getResource(resource).toURI());
    try (Stream<Path> files = Files.walk(from)) {
      files.forEach(
          file -> {
            try {
              Path target = to.resolve(from.relativize(file).toString());
              if (Files.isDirectory(file)) {
                Files.createDirectories(target);
              } else {
                Files.write(target, Files.readString(file, StandardCharsets.UTF_8).getBytes());
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    return to;
  }

  @FunctionalInterface
  private interface VoidRun {
    void run() throws Exception;
  }
}
