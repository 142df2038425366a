package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A task keeps up to {@code maxConcurrentRequests} requests in flight over the segments of its
 * partition, and still returns every row exactly once.
 */
class ConcurrentReadTest {

  private static final String KEY = "sk-concurrent-31d0";
  private static final MediaCollection collection =
      SyntheticCollection.generate(TestSeeds.seed(47), 1_200);

  @SharedSpark private static SparkSession spark;

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(collection).credential(KEY));

  /**
   * Holds each page of data for a while and records the most that were held at once; the first
   * pages wait until {@code together} have arrived (or 10 s), so requests sent at once are counted
   * at once whatever the machine's load. Planning's folder listings, sent one at a time, are not
   * pages of data.
   */
  private static FaultInjector slowPages(
      AtomicInteger inFlight, AtomicInteger most, java.util.concurrent.CountDownLatch together) {
    return request -> {
      if (request.isMediaRequest()
          && Integer.parseInt(request.query().getOrDefault("limit", "10")) > 2
          && !"folder".equals(request.query().get("type"))) {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
          together.countDown();
          together.await(10, java.util.concurrent.TimeUnit.SECONDS);
          Thread.sleep(40); // latency, as a real service has
        } finally {
          inFlight.decrementAndGet();
        }
      }
      return null;
    };
  }

  @ParameterizedTest(name = "maxConcurrentRequests={0}, partitionBy={1}")
  @CsvSource({"1, date", "4, date", "8, date", "8, folder"})
  void onePartitionReadsItsSegmentsConcurrentlyAndExactlyOnce(int concurrency, String by) {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    server.faults(
        slowPages(
            inFlight, most, new java.util.concurrent.CountDownLatch(Math.min(2, concurrency))));

    List<String> ids =
        TestReads.ids(
            TestReads.coreviz(spark, server, KEY, collection)
                .option("numPartitions", "1")
                .option("pageSize", "50")
                .option("partitionBy", by)
                .option("maxConcurrentRequests", String.valueOf(concurrency)));

    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            collection.items().stream().map(MediaItem::id).toList());
    assertThat(most.get()).as("pages of data in flight at once").isLessThanOrEqualTo(concurrency);
    if (concurrency > 1) {
      assertThat(most.get()).as("pages of data in flight at once").isGreaterThan(1);
    }
  }

  /**
   * Spark plans (and could explain) the read without a request; when the read runs, planning's
   * probes go out first, in the background, and are held at the server until the test lets them go;
   * the read then returns every item.
   */
  @org.junit.jupiter.api.Test
  void planningStartsWhenTheReadRunsAndNotBefore() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    CountDownLatch probed = new CountDownLatch(1);
    AtomicInteger pages = new AtomicInteger();
    server.faults(
        request -> {
          if (request.isMediaRequest()) {
            if (Integer.parseInt(request.query().getOrDefault("limit", "10")) > 2) {
              pages.incrementAndGet();
            } else {
              probed.countDown();
              released.await(60, TimeUnit.SECONDS);
            }
          }
          return null;
        });
    Dataset<Row> ids = TestReads.coreviz(spark, server, KEY, collection).load().select("id");

    CompletableFuture<List<String>> read;
    try {
      CompletableFuture.runAsync(() -> ids.queryExecution().executedPlan())
          .get(30, TimeUnit.SECONDS);
      assertThat(server.mediaRequests()).as("requests to plan the query physically").isEmpty();
      read =
          CompletableFuture.supplyAsync(
              () -> ids.collectAsList().stream().map(row -> row.getString(0)).toList());
      assertThat(probed.await(30, TimeUnit.SECONDS))
          .as("planning's probes, once the read runs")
          .isTrue();
      assertThat(pages.get()).as("pages of data asked for before planning's answers").isZero();
    } finally {
      released.countDown();
    }
    assertThat(read.get(60, TimeUnit.SECONDS))
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            collection.items().stream().map(MediaItem::id).toList());
  }

  @org.junit.jupiter.api.Test
  void explainSaysWhatPlanningCost() {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> ids =
        TestReads.coreviz(spark, server, KEY, collection).load().select("id");

    assertThat(ids.collectAsList()).hasSize(collection.items().size());
    // Planning's probes ask for one or two items; pages of data for a page.
    long probes =
        server.mediaRequests().stream()
            .filter(r -> Integer.parseInt(r.query().getOrDefault("limit", "10")) <= 2)
            .count();
    String plan =
        ids.queryExecution()
            .explainString(org.apache.spark.sql.execution.ExplainMode.fromString("simple"));
    assertThat(probes).isPositive();
    assertThat(plan).containsPattern("\\[planning: " + probes + " requests in \\d+\\.\\d\\d s\\]");
  }

  @org.junit.jupiter.api.Test
  void aRoundOfDateWindowsFitsWhatTheExecutorSendsAtOnce() {
    List<String> ids =
        TestReads.ids(
            TestReads.coreviz(spark, server, KEY, collection)
                .option("itemsPerPartition", "100")
                .option("maxConcurrentRequestsPerExecutor", "4"));

    assertThat(ids).hasSize(collection.items().size());
    // The windows of the first split are those no other probed window contains: with four at
    // once, at most three beside the count's check (twelve partitions would want twelve).
    List<String[]> windows =
        server.mediaRequests().stream()
            .filter(r -> "1".equals(r.query().get("limit")))
            .filter(r -> r.query().containsKey("dateFrom") || r.query().containsKey("dateTo"))
            .map(r -> new String[] {r.query().get("dateFrom"), r.query().get("dateTo")})
            .toList();
    java.util.function.BiPredicate<String[], String[]> within =
        (inner, outer) ->
            (outer[0] == null || (inner[0] != null && inner[0].compareTo(outer[0]) >= 0))
                && (outer[1] == null || (inner[1] != null && inner[1].compareTo(outer[1]) <= 0))
                && !java.util.Arrays.equals(inner, outer);
    long firstSplit =
        windows.stream()
            .filter(w -> windows.stream().noneMatch(other -> within.test(w, other)))
            .map(java.util.Arrays::asList)
            .distinct()
            .count();
    assertThat(firstSplit).isBetween(2L, 3L);
  }

  @org.junit.jupiter.api.Test
  void dateWindowsAreProbedWhileTheCountIsChecked() {
    java.util.concurrent.CountDownLatch windowProbed = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean checkWaited =
        new java.util.concurrent.atomic.AtomicBoolean();
    server.faults(
        request -> {
          if (!request.isMediaRequest()) {
            return null;
          }
          if (request.query().containsKey("dateTo") || request.query().containsKey("dateFrom")) {
            windowProbed.countDown();
          } else if ("2".equals(request.query().get("limit"))) {
            // The count's check: answered only once a window has been asked for (or after 5 s).
            try {
              checkWaited.set(!windowProbed.await(5, java.util.concurrent.TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return null;
        });

    List<String> ids =
        TestReads.ids(
            TestReads.coreviz(spark, server, KEY, collection).option("itemsPerPartition", "300"));

    assertThat(ids).hasSize(collection.items().size());
    assertThat(checkWaited.get())
        .as("the count's check waited 5 s for a window probe that never came before its answer")
        .isFalse();
  }

  @org.junit.jupiter.api.Test
  void aServerThatRefusesMoreThanFourAtOnceIsReadExactlyAtAboutFour() {
    AtomicInteger inFlight = new AtomicInteger();
    // Two tasks of eight would send sixteen at once; the server takes four.
    server.faults(FaultInjector.overloadedAbove(4, java.time.Duration.ofMillis(30), inFlight));

    List<String> ids =
        TestReads.ids(
            TestReads.coreviz(spark, server, KEY, collection)
                .option("pageSize", "10")
                .option("numPartitions", "2")
                .option("maxConcurrentRequests", "8")
                .option("retryBackoffMs", "20"));

    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            collection.items().stream().map(MediaItem::id).toList());
    java.util.Map<String, String> metrics = TestReads.lastScanMetrics(spark);
    long requests = Long.parseLong(metrics.get("CoreViz requests"));
    long refused = server.mediaRequests().stream().filter(r -> r.status() == 429).count();
    // The tasks' 429s; planning's, on the driver, are the rest.
    long tasksRefused = Long.parseLong(metrics.get("CoreViz 429 answers"));
    assertThat(tasksRefused).isBetween(1L, refused);
    assertThat(tasksRefused)
        .as("429s of the tasks' %d requests: the executor's limit backed off", requests)
        .isLessThan(requests / 4);
    assertThat(
            Long.parseLong(metrics.get("CoreViz requests in flight allowed per executor (lowest)")))
        .as("the limit settled near the server's four")
        .isBetween(1L, 6L);
  }

  @org.junit.jupiter.api.Test
  void aServerThatQueuesBeyondFourIsReadWithFewerRequestsAtOnce() {
    // Four workers and 40 ms per request: requests beyond four wait in the server's queue and
    // their answers slow down; nothing is refused.
    try (CoreVizEmulator queueing =
        CoreVizEmulator.builder().collection(collection).credential(KEY).threads(4).start()) {
      queueing.faults(FaultInjector.latency(java.time.Duration.ofMillis(40)));

      List<String> ids = TestReads.ids(twoTasksOfEight(queueing));

      assertThat(ids)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.items().stream().map(MediaItem::id).toList());
      // Backed off below the tasks' sixteen: a read this short has a cut (to about 9) and the
      // growth after it (to about 13 by its end); AdaptiveLimitTest pins where it settles in a
      // longer run (4 to 10).
      assertThat(lowestLimit())
          .as("the limit backed off from 32 while sixteen requests queued for four workers")
          .isBetween(1L, 15L);
    }
  }

  /**
   * Answers four times slower from the 50th request on, with workers enough for all: the read is
   * exact. Whether the limit stays where it was is {@code AdaptiveLimitTest}'s to pin, in simulated
   * time: here the latencies the limit sees are the server's plus this machine's, whose two cores
   * the server, Spark and any other load share, so no assertion on them can hold under every load.
   */
  @org.junit.jupiter.api.Test
  void aServerThatBecomesSlowerForEverybodyIsReadExactly() {
    // 64 workers: nothing queues. Answers take 20 ms, then 80 ms from the 50th media request on.
    AtomicInteger served = new AtomicInteger();
    try (CoreVizEmulator slower =
        CoreVizEmulator.builder().collection(collection).credential(KEY).threads(64).start()) {
      slower.faults(
          request -> {
            if (request.isMediaRequest()) {
              Thread.sleep(served.incrementAndGet() < 50 ? 20 : 80);
            }
            return null;
          });

      List<String> ids = TestReads.ids(twoTasksOfEight(slower));

      assertThat(ids)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.items().stream().map(MediaItem::id).toList());
      assertThat(served.get()).isGreaterThan(100);
    }
  }

  private static org.apache.spark.sql.DataFrameReader twoTasksOfEight(CoreVizEmulator server) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("apiKey", KEY)
        .option("collectionId", collection.id())
        .option("pageSize", "5")
        .option("numPartitions", "2")
        .option("maxConcurrentRequests", "8");
  }

  private static long lowestLimit() {
    return Long.parseLong(
        TestReads.lastScanMetrics(spark)
            .get("CoreViz requests in flight allowed per executor (lowest)"));
  }
}
