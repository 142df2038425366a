package io.coreviz.spark;

import static io.coreviz.spark.StreamFixtures.created;
import static io.coreviz.spark.StreamFixtures.ids;
import static io.coreviz.spark.StreamFixtures.newest;
import static io.coreviz.spark.StreamFixtures.stream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark.readStream.format("coreviz")}: each run reads exactly the items created since the
 * last committed offset, once, across restarts; expectations come from the local server's data.
 */
class StreamingReadTest {

  private static final String KEY = "sk-stream-77c1";

  @SharedSpark private static SparkSession spark;

  @TempDir Path dir;

  /** Batch id to the ids it read, per run of {@link #runOnce}. */
  private static final Map<Long, List<String>> batches =
      Collections.synchronizedMap(new TreeMap<>());

  /** One AvailableNow run that records each batch's ids; returns the ids it read, in all. */
  private List<String> runOnce(DataStreamReader reader, String checkpoint)
      throws TimeoutException, StreamingQueryException {
    batches.clear();
    StreamingQuery query =
        reader
            .load()
            .select("id")
            .writeStream()
            .option("checkpointLocation", dir.resolve(checkpoint).toString())
            .foreachBatch(
                (VoidFunction2<Dataset<Row>, Long>)
                    (rows, id) ->
                        batches.put(
                            id, rows.collectAsList().stream().map(r -> r.getString(0)).toList()))
            .trigger(Trigger.AvailableNow())
            .start();
    query.awaitTermination();
    List<String> all = new ArrayList<>();
    batches.values().forEach(all::addAll);
    return all;
  }

  @Test
  void aSecondAvailableNowRunReadsExactlyTheItemsCreatedSinceTheFirst() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(61), 300);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      List<String> first = runOnce(stream(spark, server, KEY, collection), "cp");
      assertThat(first)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection.items()));

      // Created later; two at the very instant of the newest item read (its id set counts), and
      // one created before it, which a stream cannot see (README says so).
      Instant mark = newest(collection);
      List<MediaItem> later = new ArrayList<>(created(collection, 62, 6, mark, 1));
      List<MediaItem> tied = created(collection, 63, 2, mark.minusMillis(1), 1);
      List<MediaItem> older = created(collection, 64, 1, mark.minusSeconds(3_600), 1);
      for (MediaItem item : later) {
        collection.add(item, Map.of());
      }
      for (MediaItem item : tied) {
        collection.add(item.withCreatedAt(mark), Map.of());
      }
      collection.add(older.get(0), Map.of());

      List<String> second = runOnce(stream(spark, server, KEY, collection), "cp");
      List<String> expected = new ArrayList<>(ids(later));
      expected.addAll(ids(tied));
      assertThat(second).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
      assertThat(batches).as("one micro-batch").hasSize(1);
    }
  }

  @Test
  void anUnchangedCollectionCostsOneRequestAndReadsNothing() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(65), 120);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      assertThat(runOnce(stream(spark, server, KEY, collection), "cp"))
          .hasSize(collection.items().size());
      // A micro-batch is planned within its creation-time bounds: no probe of the whole's ends.
      assertThat(server.mediaRequests())
          .as("probes of the whole collection")
          .noneMatch(
              r ->
                  "1".equals(r.query().get("limit"))
                      && "0".equals(r.query().get("offset"))
                      && !r.query().containsKey("dateFrom")
                      && !r.query().containsKey("dateTo"));
      server.clearRequests();

      assertThat(runOnce(stream(spark, server, KEY, collection), "cp")).isEmpty();
      assertThat(batches).as("micro-batches run").isEmpty();
      assertThat(server.mediaRequests()).as("requests of the second run").hasSize(1);
    }
  }

  @Test
  void aRunThatFailsMidBatchIsReadAgainExactlyOnRestart() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(66), 200);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      // An idempotent sink: Spark's file sink, whose log keeps a re-run batch's files once.
      String out = dir.resolve("out").toString();
      String checkpoint = dir.resolve("cp").toString();
      VoidRun run =
          () -> {
            StreamingQuery query =
                stream(spark, server, KEY, collection)
                    .option("maxRetries", "0")
                    .load()
                    .select("id", "createdAt")
                    .writeStream()
                    .format("parquet")
                    .option("path", out)
                    .option("checkpointLocation", checkpoint)
                    .trigger(Trigger.AvailableNow())
                    .start();
            query.awaitTermination();
          };
      run.run();

      Instant mark = newest(collection);
      List<MediaItem> beforeCrash = created(collection, 67, 15, mark, 1);
      beforeCrash.forEach(item -> collection.add(item, Map.of()));
      // The batch's offsets are logged, then every request of the batch's read (its window has
      // both ends; finding the batch's end sends none) fails: the query dies between logging its
      // batch and committing it.
      server.faults(
          request ->
              request.isMediaRequest() && request.query().containsKey("dateTo")
                  ? FaultInjector.Reply.json(500, "{\"error\":\"down\"}")
                  : null);
      assertThatThrownBy(run::run).isInstanceOf(StreamingQueryException.class);
      assertThat(Path.of(checkpoint, "offsets", "1")).as("batch 1's offsets, logged").exists();
      assertThat(Path.of(checkpoint, "commits", "1")).as("batch 1, not committed").doesNotExist();
      assertThat(Path.of(checkpoint, "commits", "0")).as("batch 0, committed").exists();

      server.faults(FaultInjector.NONE);
      List<MediaItem> afterCrash = created(collection, 68, 5, mark.plusSeconds(60), 1);
      afterCrash.forEach(item -> collection.add(item, Map.of()));
      run.run();

      List<String> written =
          spark.read().parquet(out).select("id").collectAsList().stream()
              .map(r -> r.getString(0))
              .toList();
      Set<String> everything = new HashSet<>(ids(collection.items()));
      assertThat(written).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(everything);
      assertThat(everything).containsAll(ids(beforeCrash)).containsAll(ids(afterCrash));
    }
  }

  @Test
  void startingTimestampAndFilterOptionsSelectWhatABatchReadWould() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(69), 300);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      List<Instant> times = collection.items().stream().map(MediaItem::createdAt).sorted().toList();
      Instant from = times.get(times.size() / 2);

      List<String> read =
          runOnce(
              stream(spark, server, KEY, collection)
                  .option("type", "image")
                  .option("startingTimestamp", from.toString()),
              "cp");

      List<String> expected =
          collection.items().stream()
              .filter(item -> MediaItem.IMAGE.equals(item.type()))
              .filter(item -> !item.createdAt().isBefore(from))
              .map(MediaItem::id)
              .toList();
      assertThat(expected).isNotEmpty();
      assertThat(read).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void aProcessingTimeQueryPicksUpNewItemsAsTheyCome() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(70), 100);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      StreamingQuery query =
          stream(spark, server, KEY, collection)
              .load()
              .select("id")
              .writeStream()
              .format("memory")
              .queryName("coreviz_stream")
              .option("checkpointLocation", dir.resolve("cp").toString())
              .trigger(Trigger.ProcessingTime(50))
              .start();
      try {
        query.processAllAvailable();
        List<MediaItem> later = created(collection, 71, 4, newest(collection), 1);
        later.forEach(item -> collection.add(item, Map.of()));
        query.processAllAvailable();

        List<String> seen =
            spark.table("coreviz_stream").collectAsList().stream()
                .map(r -> r.getString(0))
                .toList();
        assertThat(seen)
            .doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(ids(collection.items()));
      } finally {
        query.stop();
      }
    }
  }

  @Test
  void aScoredStreamIsRefusedWithTheReason() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(72), 10);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      assertThatThrownBy(
              () -> runOnce(stream(spark, server, KEY, collection).option("q", "a cat"), "cp"))
          .hasStackTraceContaining("creation order")
          .hasStackTraceContaining("spark.read");
    }
  }

  @FunctionalInterface
  private interface VoidRun {
    void run() throws Exception;
  }
}
