package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality job across runs: incremental reads, the Delta history of flags and runs, and what the
 * report says changed; expectations come from the stored items.
 */
class QualityHistoryTest {

  private static final String KEY = "quality-history-key";
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSessions.withDelta("QualityHistoryTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static QualityJob.Settings settings(
      CoreVizEmulator server, MediaCollection collection, Path dir, boolean full) {
    QualityHistory history =
        QualityHistory.inFolder(spark, dir.resolve("warehouse").toString(), collection.id());
    return new QualityJob.Settings(
        Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id()),
        dir.resolve("out"),
        history,
        history.defaultCheckpoint(),
        full,
        null);
  }

  /**
   * Per metadata reason, the ids of the flags a run raised for the first time, from the flags table
   * (the media checks have their own test).
   */
  private static Map<String, Set<String>> firstSeenBy(QualityHistory history, String runId) {
    return FlaggedIds.byReason(
        history.flags().filter("first_seen_run = '" + runId + "'"), QualityChecks.RULES.keySet());
  }

  private static Set<String> ids(Dataset<Row> media) {
    return media.select("id").collectAsList().stream()
        .map(row -> row.getString(0))
        .collect(Collectors.toSet());
  }

  /** The ids the history says {@code runId} saw first. */
  private static Set<String> seenBy(QualityHistory history, String runId) {
    return ids(history.media().filter("first_seen_run = '" + runId + "'"));
  }

  /** The ids the history says {@code runId} checked (last). */
  private static Set<String> checkedBy(QualityHistory history, String runId) {
    return ids(history.media().filter("checked_run = '" + runId + "'"));
  }

  /** A run of the job and what it printed (printed here too, once it is done). */
  private record Printed(QualityJob.Result result, String text) {}

  private static Printed printedBy(Callable<QualityJob.Result> run) throws Exception {
    PrintStream console = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      return new Printed(run.call(), printed.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(console);
      console.print(printed.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Three nights of one collection (each run costs Spark and Delta some seconds, so one scenario):
   * a run that died after reading part of it, a first run, items added and one fixed at the source,
   * an incremental run, then a full run.
   */
  @Test
  void runsCheckWhatIsNewKeepTheirHistoryAndAFullRunResolves(@TempDir Path dir) throws Exception {
    MediaCollection collection = SyntheticCollection.generate(11, 150).measureSizes();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      QualityJob.Settings incremental = settings(server, collection, dir, false);
      QualityHistory history = incremental.history();
      // A run that merged what it read, then died before its row in the runs table: the next run
      // checks those items too.
      history.mergeMedia(
          spark.read().format("coreviz").options(incremental.options()).load().limit(50),
          "crashed-run",
          Timestamp.from(Instant.now()));
      Set<String> crashed = ids(history.media().filter("first_seen_run = 'crashed-run'"));
      assertThat(crashed).hasSize(50);

      Printed firstRun = printedBy(() -> QualityJob.run(spark, incremental));
      QualityJob.Result first = firstRun.result();
      int size = collection.items().size();
      Set<String> all = collection.items().stream().map(MediaItem::id).collect(Collectors.toSet());
      Set<String> firstNew = new HashSet<>(all);
      firstNew.removeAll(crashed);
      assertThat(seenBy(history, first.run().runId())).as("first run: new ids").isEqualTo(firstNew);
      assertThat(checkedBy(history, first.run().runId()))
          .as("first run: checked ids, the crashed run's included")
          .isEqualTo(all);
      assertThat(first.run().newItems()).isEqualTo(size - 50);
      assertThat(first.run().checked()).isEqualTo(size);

      List<MediaItem> added = QualityJob.grow(collection, 1);
      MediaItem fixed = fixDimensionsOfOne(collection);
      Printed secondRun = printedBy(() -> QualityJob.run(spark, incremental));
      QualityJob.Result second = secondRun.result();
      Instant newest =
          collection.items().stream()
              .map(MediaItem::createdAt)
              .max(Instant::compareTo)
              .orElseThrow();
      assertThat(secondRun.text())
          .as("the stream's state, printed after the read")
          .contains(
              "stream: 1 micro-batches; items behind the newest: 0, newest item created at "
                  + newest);
      // Spark's count of the rows the stream read: each micro-batch read once, whether it is
      // merged (the first run, after the crashed run's merge) or appended (the second).
      assertThat(firstRun.text()).contains("] read: ", " " + size + " items read from CoreViz");
      assertThat(secondRun.text())
          .contains(
              " "
                  + added.size()
                  + (added.size() == 1 ? " item" : " items")
                  + " read from CoreViz and kept in Delta");

      Set<String> addedIds = added.stream().map(MediaItem::id).collect(Collectors.toSet());
      assertThat(seenBy(history, second.run().runId()))
          .as("second run: new ids")
          .isEqualTo(addedIds);
      assertThat(checkedBy(history, second.run().runId()))
          .as("second run: checked ids")
          .isEqualTo(addedIds);
      assertThat(second.run().newItems()).isEqualTo(added.size());
      assertThat(second.run().checked()).isEqualTo(added.size());
      assertThat(second.run().items()).isEqualTo(collection.items().size());
      assertThat(second.run().resolvedFlags()).as("only a full run resolves").isZero();
      Map<String, Set<String>> expected = QualityJobTest.expectedFlags(collection.media(), added);
      // An earlier item whose name an added one repeats is flagged now, unless the first run,
      // which checked every earlier item, flagged it already (its name was repeated then).
      Set<String> addedIdSet = added.stream().map(MediaItem::id).collect(Collectors.toSet());
      List<MediaItem> before =
          collection.media().stream().filter(m -> !addedIdSet.contains(m.id())).toList();
      Map<String, Long> namesBefore =
          before.stream()
              .collect(
                  Collectors.groupingBy(
                      m -> m.parentPath() + "/" + m.name(), Collectors.counting()));
      before.stream()
          .filter(m -> namesBefore.get(m.parentPath() + "/" + m.name()) > 1)
          .forEach(m -> expected.get("duplicate_name_in_folder").remove(m.id()));
      expected.values().removeIf(Set::isEmpty);
      assertThat(expected).as("the added items include flagged ones").isNotEmpty();
      assertThat(firstSeenBy(history, second.run().runId())).isEqualTo(expected);
      String html = Files.readString(second.html());
      assertThat(html)
          .contains("Trends over 2 runs")
          .contains("data-points=\"2\"")
          .doesNotContain("data-points=\"1\"")
          .contains("class=\"new-flags\"");
      for (Set<String> ids : expected.values()) {
        ids.forEach(id -> assertThat(html).as("new flag of %s listed", id).contains(id));
      }

      QualityJob.Result full = QualityJob.run(spark, settings(server, collection, dir, true));
      assertThat(full.run().mode()).isEqualTo("full");
      assertThat(full.run().checked()).isEqualTo(collection.items().size());
      assertThat(full.run().resolvedFlags()).isEqualTo(1);
      List<Row> resolved = history.flags().filter("resolved_at IS NOT NULL").collectAsList();
      assertThat(resolved).hasSize(1);
      assertThat((String) resolved.get(0).getAs("id")).isEqualTo(fixed.id());
      assertThat((String) resolved.get(0).getAs("reason")).isEqualTo("missing_dimensions");
      assertThat(Files.readString(full.html()))
          .contains("class=\"resolved-flags\"")
          .contains("Trends over 3 runs");
      assertThat(history.runHistory())
          .extracting(RunRow::runId)
          .containsExactly(first.run().runId(), second.run().runId(), full.run().runId());
      // Merged by the first and full runs, appended by the second: one blob check per image and
      // video, and one flag per item and reason.
      List<String> blobIds =
          history.blobs().select("id").collectAsList().stream().map(r -> r.getString(0)).toList();
      assertThat(blobIds)
          .as("blob checks kept")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.media().stream().map(MediaItem::id).toList());
      assertThat(history.flags().select("id", "reason").collectAsList())
          .as("flags kept")
          .doesNotHaveDuplicates();
    }
  }

  /**
   * The incremental read keeps each new item once whatever wrote the media table before it: it
   * appends when the table's last commit is its own previous micro-batch, does nothing when it is
   * this very batch (replayed after a crash), and merges otherwise (a full run, another stream).
   * Under a folder the last commit is read from the Delta log's file.
   */
  @Test
  void theIncrementalReadKeepsEachItemOnceWhateverWroteBefore(@TempDir Path dir) throws Exception {
    String folder = dir.resolve("warehouse").toString();
    keepsEachItemOnce(
        id -> QualityHistory.inFolder(spark, folder, id),
        id -> DeltaTable.forPath(spark, folder + "/" + id + "/media"));
  }

  /** As above, with the tables in a catalog schema, where the last commit comes from Delta. */
  @Test
  void theIncrementalReadKeepsEachItemOnceInACatalogSchema(@TempDir Path dir) throws Exception {
    spark.sql("CREATE SCHEMA quality_history LOCATION '" + dir.toUri() + "'");
    try {
      keepsEachItemOnce(
          id -> QualityHistory.inSchema(spark, "quality_history", id),
          id -> DeltaTable.forName(spark, "quality_history.coreviz_quality_" + id + "_media"));
    } finally {
      spark.sql("DROP SCHEMA quality_history CASCADE");
    }
  }

  private static void keepsEachItemOnce(
      Function<String, QualityHistory> histories, Function<String, DeltaTable> mediaTables) {
    MediaCollection collection = SyntheticCollection.generate(13, 90).measureSizes();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      Map<String, String> options =
          Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id());
      Dataset<Row> items = spark.read().format("coreviz").options(options).load().cache();
      List<String> ids =
          items
              .select("id")
              .orderBy("id")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      Dataset<Row> a = items.filter(items.col("id").lt(ids.get(30)));
      Dataset<Row> b =
          items.filter(items.col("id").geq(ids.get(30)).and(items.col("id").lt(ids.get(60))));
      Dataset<Row> c = items.filter(items.col("id").geq(ids.get(60)));
      QualityHistory history = histories.apply(collection.id());
      Timestamp at = Timestamp.from(Instant.now());

      history.insertNewMedia(a, "night-1", at, "checkpoint", 0);
      history.insertNewMedia(b, "night-1", at, "checkpoint", 1);
      history.insertNewMedia(b, "night-1", at, "checkpoint", 1); // replayed after a crash
      history.mergeMedia(c, "full", at); // a full run keeps c before the stream reads it
      history.insertNewMedia(c, "night-2", at, "checkpoint", 2);
      history.insertNewMedia(items, "night-3", at, "another-checkpoint", 0);

      List<String> kept =
          history.media().select("id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
      assertThat(kept).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
      assertThat(seenBy(history, "full")).as("kept by the full run first").isEqualTo(ids(c));
      assertThat(seenBy(history, "night-3")).isEmpty();
      DeltaTable media = mediaTables.apply(id(collection));
      // oldest first: the empty table's creation (a WRITE under a folder, a CREATE TABLE AS SELECT
      // in a catalog), two appends, the full run's merge, two merges
      List<String> operations =
          media
              .history()
              .orderBy("version")
              .select("operation")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      assertThat(operations).hasSize(6);
      assertThat(operations.subList(1, 6))
          .containsExactly("WRITE", "WRITE", "MERGE", "MERGE", "MERGE");
      Row detail = media.detail().first();
      Map<String, String> properties = detail.getJavaMap(detail.fieldIndex("properties"));
      assertThat(properties)
          .as("statistics kept only for the columns items are picked by")
          .containsEntry("delta.dataSkippingStatsColumns", "createdAt,first_seen_run,checked_run");
      items.unpersist();
    }
  }

  /**
   * Nights whose new item repeats what earlier items have: one more copy of a picture flagged as
   * copied, an item with the name of one whose name was unique, one more item with a name already
   * repeated in its folder. The new item's flags open, so does an earlier item's first repeated
   * name, the earlier items' flags are seen again, and each item keeps one flag per reason.
   */
  @Test
  void aNewItemLikeEarlierOnesFlagsBothKeepingOneFlagPerItemAndReason(@TempDir Path dir)
      throws Exception {
    MediaCollection collection = SyntheticCollection.generate(17, 40).measureSizes();
    Map<String, Long> names =
        collection.media().stream()
            .collect(
                Collectors.groupingBy(m -> m.parentPath() + "/" + m.name(), Collectors.counting()));
    MediaItem original =
        collection.media().stream()
            .filter(m -> MediaItem.IMAGE.equals(m.type()) && m.width() != null)
            .filter(m -> names.get(m.parentPath() + "/" + m.name()) == 1)
            .findFirst()
            .orElseThrow();
    MediaItem firstCopy =
        copyOf(collection, original, "0000000000000000000000000000c0p1", "first-copy.jpg");
    // Other pictures (generated with another seed) under one name, in the original's folder.
    MediaCollection pictures = SyntheticCollection.generate(23, 10, 0).measureSizes();
    List<MediaItem> others =
        pictures.media().stream().filter(m -> MediaItem.IMAGE.equals(m.type())).toList();
    MediaItem firstNamesake = newItem(collection, pictures, others.get(0), original, "namesake");
    MediaItem secondNamesake = newItem(collection, pictures, others.get(1), original, "namesake");
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      QualityJob.Settings incremental = settings(server, collection, dir, false);
      QualityHistory history = incremental.history();
      QualityJob.Result first = QualityJob.run(spark, incremental);
      Set<String> copies = Set.of(original.id(), firstCopy.id());
      assertThat(exactCopiesFlagged(history)).as("first run").isEqualTo(copies);

      MediaItem secondCopy =
          copyOf(collection, original, "0000000000000000000000000000c0p2", "second-copy.jpg");
      QualityJob.Result second = QualityJob.run(spark, incremental);

      assertThat(second.run().newItems()).isEqualTo(1);
      assertThat(history.flags().select("id", "reason").collectAsList())
          .as("one flag per item and reason")
          .doesNotHaveDuplicates();
      Set<String> all = new HashSet<>(copies);
      all.add(secondCopy.id());
      assertThat(exactCopiesFlagged(history)).as("second run").isEqualTo(all);
      assertThat(seenAgain(history, "exact_duplicate", first, second))
          .as("the earlier copies' flags, seen again")
          .isEqualTo(copies);
      assertThat(firstSeenBy(history, second.run().runId()))
          .as("no metadata flag of an earlier item")
          .allSatisfy((reason, ids) -> assertThat(ids).isSubsetOf(Set.of(secondCopy.id())));

      // A picture of its own under the original's name: both are flagged for the name, the
      // original by a run that does not check it (its flag is new: appended).
      MediaItem sameName = newItem(collection, pictures, others.get(3), original, original.name());
      QualityJob.Result third = QualityJob.run(spark, incremental);

      assertThat(history.flags().select("id", "reason").collectAsList())
          .as("one flag per item and reason, third run")
          .doesNotHaveDuplicates();
      Map<String, Set<String>> firstSeen = firstSeenBy(history, third.run().runId());
      assertThat(firstSeen.get("duplicate_name_in_folder"))
          .as("the repeated name, flagged on both items")
          .isEqualTo(Set.of(original.id(), sameName.id()));
      firstSeen.remove("duplicate_name_in_folder");
      assertThat(firstSeen)
          .as("no other metadata flag of an earlier item")
          .allSatisfy((reason, ids) -> assertThat(ids).isSubsetOf(Set.of(sameName.id())));

      // A third item named as the two namesakes, a picture of its own: only the name is repeated,
      // and the earlier two were flagged for it by the first run.
      MediaItem thirdNamesake = newItem(collection, pictures, others.get(2), original, "namesake");
      QualityJob.Result fourth = QualityJob.run(spark, incremental);

      assertThat(history.flags().select("id", "reason").collectAsList())
          .as("one flag per item and reason, fourth run")
          .doesNotHaveDuplicates();
      assertThat(copyFlags(history, thirdNamesake))
          .as("the third namesake copies no picture (only its name makes it like the others)")
          .isEmpty();
      assertThat(copyFlags(history, sameName)).as("nor does the original's namesake").isEmpty();
      assertThat(seenAgain(history, "duplicate_name_in_folder", first, fourth))
          .as("the earlier namesakes' flags, seen again")
          .isEqualTo(Set.of(firstNamesake.id(), secondNamesake.id()));
      assertThat(firstSeenBy(history, fourth.run().runId()).get("duplicate_name_in_folder"))
          .isEqualTo(Set.of(thirdNamesake.id()));
    }
  }

  /**
   * A new item {@code template} of {@code source} (its picture), named {@code name} in {@code
   * neighbour}'s folder, created after every other item.
   */
  private static MediaItem newItem(
      MediaCollection collection,
      MediaCollection source,
      MediaItem template,
      MediaItem neighbour,
      String name) {
    MediaItem item = like(collection, template, template.id(), name, neighbour);
    collection.add(item, Map.of(template.blobKey(), source.blob(template.blobKey()).orElseThrow()));
    return item;
  }

  /** The ids with a {@code reason} flag that {@code first} raised and {@code last} saw again. */
  private static Set<String> seenAgain(
      QualityHistory history, String reason, QualityJob.Result first, QualityJob.Result last) {
    return ids(
        history
            .flags()
            .filter("reason = '" + reason + "'")
            .filter("first_seen_run = '" + first.run().runId() + "'")
            .filter("last_seen_run = '" + last.run().runId() + "'"));
  }

  /** The ids of {@code item}'s exact and near copy flags: none, or its own id. */
  private static Set<String> copyFlags(QualityHistory history, MediaItem item) {
    return ids(
        history
            .flags()
            .filter("id = '" + item.id() + "'")
            .filter("reason IN ('exact_duplicate', 'near_duplicate')"));
  }

  private static Set<String> exactCopiesFlagged(QualityHistory history) {
    return ids(history.flags().filter("reason = 'exact_duplicate' AND resolved_at IS NULL"));
  }

  /**
   * A new item named {@code name} with {@code original}'s bytes, in its folder, created after every
   * other item.
   */
  private static MediaItem copyOf(
      MediaCollection collection, MediaItem original, String id, String name) {
    MediaItem copy = like(collection, original, id, name, original);
    collection.add(copy, Map.of());
    return copy;
  }

  /**
   * {@code original} as an item {@code id} named {@code name} in {@code neighbour}'s folder,
   * created after every item of {@code collection} (not added to it).
   */
  private static MediaItem like(
      MediaCollection collection, MediaItem original, String id, String name, MediaItem neighbour) {
    Instant newest =
        collection.items().stream().map(MediaItem::createdAt).max(Instant::compareTo).orElseThrow();
    String parent = neighbour.path().substring(0, neighbour.path().lastIndexOf('.'));
    return new MediaItem(
        id,
        name,
        original.type(),
        original.blobKey(),
        parent + "." + id,
        newest.plusSeconds(60),
        newest.plusSeconds(60),
        original.width(),
        original.height(),
        original.duration(),
        original.sizeBytes(),
        original.status(),
        original.metadata(),
        original.totalVersions(),
        original.frameObjectId(),
        original.frames());
  }

  private static String id(MediaCollection collection) {
    return collection.id().replace("-", "").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Fixes one image without dimensions at the source: the dimensions of its picture filled in (the
   * local server renders such an image at 320x240), everything else the same. Returns it.
   */
  private static MediaItem fixDimensionsOfOne(MediaCollection collection) {
    MediaItem broken =
        collection.media().stream()
            .filter(m -> MediaItem.IMAGE.equals(m.type()))
            .filter(m -> m.width() == null || m.height() == null)
            .findFirst()
            .orElseThrow();
    var blob = collection.blob(broken.blobKey()).orElseThrow();
    collection.remove(broken.id());
    MediaItem fixed =
        broken.withDimensions(
            broken.width() == null ? 320 : broken.width(),
            broken.height() == null ? 240 : broken.height());
    collection.add(fixed, Map.of(broken.blobKey(), blob));
    return fixed;
  }

  @Test
  void theEmbeddedJobRunTwiceReadsItsSampleThenOnlyWhatItGained(@TempDir Path dir)
      throws Exception {
    // A relative folder, as the README's command uses (quality-warehouse).
    String warehouse = "target/quality-history-" + java.util.UUID.randomUUID();
    QualityJob.Result first =
        QualityJob.runEmbedded(spark, dir.resolve("out"), warehouse, false, null, 300);
    QualityJob.Result second =
        QualityJob.runEmbedded(spark, dir.resolve("out"), warehouse, false, null, 300);

    assertThat(second.run().newItems()).isEqualTo(QualityJob.GROWTH);
    assertThat(second.run().items()).isEqualTo(first.run().items() + QualityJob.GROWTH);
    assertThat(Files.readString(second.html())).contains("Trends over 2 runs");
  }
}
