package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.Test;

/**
 * Where a server reads the API page differently, the connector stays exact and says what it found:
 * in {@code explain()}, and in the scan's metrics.
 */
class WhatTheReaderFoundTest {

  private static final String KEY = "sk-found-8812";
  @SharedSpark private static SparkSession spark;

  @Test
  void aPlanThatCannotUseDayWindowsSaysSoInExplain() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(31), 800);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .exclusiveDateTo()
            .start()) {
      Dataset<Row> ids =
          TestReads.coreviz(spark, server, KEY, collection)
              .option("itemsPerPartition", "200")
              .load()
              .select("id");

      assertThat(ids.collectAsList().stream().map(row -> row.getString(0)).toList())
          .as("every stored id once")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.items().stream().map(MediaItem::id).toList());
      assertThat(ids.queryExecution().explainString(ExplainMode.fromString("simple")))
          .containsPattern("\\[planned: the \\d+ date windows from \\[…, 20\\d\\d-\\d\\d-\\d\\d\\]")
          .contains("planned by creation-time cuts instead")
          .doesNotContain(KEY);
    }
  }

  @Test
  void aCappedTotalIsFoundAndSaidInExplain() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(32), 500);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).totalCap(100).start()) {
      Dataset<Row> ids =
          TestReads.coreviz(spark, server, KEY, collection)
              .option("partitionBy", "offset")
              .load()
              .select("id");

      assertThat(ids.collectAsList().stream().map(row -> row.getString(0)).toList())
          .as("every stored id once")
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.items().stream().map(MediaItem::id).toList());
      assertThat(ids.queryExecution().explainString(ExplainMode.fromString("simple")))
          .contains(
              "pagination.total said 100 but the results end after " + collection.items().size());
    }
  }

  @Test
  void aFolderListedInItsOwnSubtreeIsDroppedAndCounted() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(33), 400);
    MediaItem folder =
        collection.items().stream()
            .filter(MediaItem::isFolder)
            .max(Comparator.comparingInt(f -> ModelTable.mediaUnder(collection, f).size()))
            .orElseThrow();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .reflexiveSubtree()
            .start()) {
      List<Row> rows =
          TestReads.coreviz(spark, server, KEY, collection)
              .option("path", folder.path())
              .load()
              .select("id")
              .collectAsList();

      assertThat(rows).extracting(r -> r.getString(0)).doesNotContain(folder.id());
      assertThat(TestReads.lastScanMetrics(spark))
          .containsEntry("CoreViz rows outside the query dropped", "1");
    }
  }

  @Test
  void aWindowThatReturnsFewerItemsThanPlannedIsCounted() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(34), 400);
    List<MediaItem> victims = collection.media().subList(0, 5);
    AtomicBoolean removed = new AtomicBoolean();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      server.faults(
          request -> {
            // The first page of data, after planning's probes: remove items planning counted.
            // Every page of data waits for the removal, so none is served from before it.
            if (request.isMediaRequest()
                && Integer.parseInt(request.query().getOrDefault("limit", "10")) > 2) {
              synchronized (removed) {
                if (!removed.getAndSet(true)) {
                  victims.forEach(item -> collection.remove(item.id()));
                }
              }
            }
            return null;
          });
      List<String> rows =
          TestReads.coreviz(spark, server, KEY, collection)
              .option("itemsPerPartition", "100")
              .load()
              .select("id")
              .collectAsList()
              .stream()
              .map(r -> r.getString(0))
              .toList();

      Set<String> stayed = new HashSet<>();
      collection.items().forEach(item -> stayed.add(item.id()));
      assertThat(rows).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(stayed);
      assertThat(
              Long.parseLong(
                  TestReads.lastScanMetrics(spark)
                      .get("CoreViz segments with another count than planned")))
          .isPositive();
    }
  }

  /** A last page of two items, the newer first: out of {@code createdAt} order. */
  private static String newestFirst(int limit) {
    return "{\"media\":["
        + "{\"id\":\"b\",\"createdAt\":\"2026-02-02T00:00:00.000Z\"},"
        + "{\"id\":\"a\",\"createdAt\":\"2026-02-01T00:00:00.000Z\"}],"
        + "\"pagination\":{\"total\":2,\"limit\":"
        + limit
        + ",\"offset\":0,\"hasMore\":false}}";
  }

  @Test
  void aTopNTheServerSortsWronglyFailsAndSaysHowToTurnItOff() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(35), 100);
    String outOfOrder = newestFirst(3);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      server.faults(
          request ->
              "createdAt".equals(request.query().get("sortBy"))
                      && "3".equals(request.query().get("limit"))
                  ? io.coreviz.emulator.FaultInjector.Reply.json(200, outOfOrder)
                  : null);
      Dataset<Row> oldest =
          TestReads.coreviz(spark, server, KEY, collection)
              .load()
              .orderBy("createdAt")
              .limit(3)
              .select("id");

      org.assertj.core.api.Assertions.assertThatThrownBy(oldest::collectAsList)
          .hasMessageContaining("out of createdAt order")
          .hasMessageContaining("pushDownTopN=false");
    }
  }

  @Test
  void aFullScanWhosePagesComeOutOfOrderFailsNamingTheRequest() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(37), 120);
    String outOfOrder = newestFirst(50);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      // Planning's probes ask for one or two items; pages of data for 50.
      server.faults(
          request ->
              request.isMediaRequest()
                      && Integer.parseInt(request.query().getOrDefault("limit", "10")) >= 50
                  ? io.coreviz.emulator.FaultInjector.Reply.json(200, outOfOrder)
                  : null);
      Dataset<Row> all =
          TestReads.coreviz(spark, server, KEY, collection).option("pageSize", "50").load();

      org.assertj.core.api.Assertions.assertThatThrownBy(all::collectAsList)
          .hasMessageContaining("out of createdAt order")
          .hasMessageContaining("/api/dataset/" + collection.id() + "/media?")
          .hasMessageContaining("would not be exact");
    }
  }

  @Test
  void aNameTopNPushedOnTheUsersWordIsCheckedAgainstTheServersCollation() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(36), 300);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .localeCollation()
            .start()) {
      Dataset<Row> byName =
          TestReads.coreviz(spark, server, KEY, collection).load().orderBy("name").limit(40);
      Dataset<Row> claimed =
          TestReads.coreviz(spark, server, KEY, collection)
              .option("serverSortsByCodePoint", "true")
              .load()
              .orderBy("name")
              .limit(40);

      assertThat(byName.select("name").collectAsList())
          .as("not pushed by default: Spark sorts")
          .map(r -> r.getString(0))
          .isSortedAccordingTo(
              (a, b) ->
                  java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()));
      org.assertj.core.api.Assertions.assertThatThrownBy(claimed::collectAsList)
          .hasMessageContaining("out of Spark's order")
          .hasMessageContaining("pushDownTopN=false");
    }
  }
}
