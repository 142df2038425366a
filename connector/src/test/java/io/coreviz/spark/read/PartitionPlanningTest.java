package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.read.planning.MediaPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Partition planning on a skewed collection (three quarters of the items in one folder, 30% on one
 * day): every item read exactly once, partitions within 2x of each other, and planning that costs a
 * few requests per partition.
 */
class PartitionPlanningTest {

  private static final String KEY = "sk-planning-1e4c";
  private static final MediaCollection skewed =
      SyntheticCollection.skewed(TestSeeds.seed(13), 3_000);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(
          () -> CoreVizEmulator.builder().collection(skewed).credential(KEY).maxLimit(250));

  private record Read(InputPartition[] partitions, List<List<String>> ids, int planningRequests) {}

  private static Read read(Map<String, String> extra) throws Exception {
    Map<String, String> options =
        Batches.options(
            server.baseUrl(), skewed, KEY, "pageSize", "100", "itemsPerPartition", "400");
    options.putAll(extra);
    Batch batch = Batches.of(options);
    server.clearRequests();
    InputPartition[] partitions = batch.planInputPartitions();
    int planning = server.mediaRequests().size();
    List<List<String>> ids = new ArrayList<>();
    for (InputPartition partition : partitions) {
      ids.add(Batches.ids(batch, partition));
    }
    return new Read(partitions, ids, planning);
  }

  private static List<String> all(Read read) {
    return read.ids().stream().flatMap(List::stream).toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"date", "folder", "offset"})
  void skewedCollectionIsReadExactlyOnceInBalancedPartitions(String partitionBy) throws Exception {
    Read read = read(Map.of("partitionBy", partitionBy));

    List<String> ids = all(read);
    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(skewed.items().stream().map(MediaItem::id).toList());
    assertThat(read.partitions()).hasSizeGreaterThanOrEqualTo(7);
    int smallest = read.ids().stream().mapToInt(List::size).min().orElseThrow();
    int largest = read.ids().stream().mapToInt(List::size).max().orElseThrow();
    assertThat((double) largest / smallest)
        .as("partition sizes %s", read.ids().stream().map(List::size).toList())
        .isLessThanOrEqualTo(2.0);
    assertThat(read.planningRequests())
        .as("planning requests for %d partitions", read.partitions().length)
        .isLessThanOrEqualTo(10 * read.partitions().length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"date", "folder"})
  void aCollectionCreatedInOneInstantIsStillSplitAndExact(String partitionBy) throws Exception {
    // A bulk import: every item has the same createdAt, so time cannot cut it.
    java.time.Instant instant = java.time.Instant.parse("2026-03-10T14:22:00Z");
    MediaCollection source = SyntheticCollection.generate(TestSeeds.seed(14), 2_000);
    List<MediaItem> items = source.items().stream().map(i -> i.withCreatedAt(instant)).toList();
    MediaCollection bulk = new MediaCollection(source.id(), items, Map.of());
    try (CoreVizEmulator stable =
        CoreVizEmulator.builder().collection(bulk).credential(KEY).maxLimit(100).start()) {
      Batch batch =
          Batches.of(
              Batches.options(
                  stable,
                  bulk,
                  KEY,
                  "pageSize",
                  "100",
                  "itemsPerPartition",
                  "400",
                  "partitionBy",
                  partitionBy));
      InputPartition[] partitions = batch.planInputPartitions();
      List<String> ids = Batches.ids(batch, partitions);

      assertThat(partitions.length).isGreaterThanOrEqualTo(2);
      assertThat(ids)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(items.stream().map(MediaItem::id).toList());
    }
  }

  @ParameterizedTest
  @CsvSource({"date, 3", "folder, 2", "offset, 5"})
  void numPartitionsCapsThePlan(String partitionBy, int cap) throws Exception {
    Read read = read(Map.of("partitionBy", partitionBy, "numPartitions", String.valueOf(cap)));

    assertThat(read.partitions()).hasSize(cap);
    assertThat(all(read)).doesNotHaveDuplicates().hasSize(skewed.items().size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"date", "folder"})
  void filteredReadsAreExactToo(String partitionBy) throws Exception {
    Read read = read(Map.of("partitionBy", partitionBy, "type", "video", "dateFrom", "2026-02-01"));

    List<String> expected =
        skewed.items().stream()
            .filter(
                i ->
                    i.type().equals("video")
                        && !i.createdAt().isBefore(java.time.Instant.parse("2026-02-01T00:00:00Z")))
            .map(MediaItem::id)
            .toList();
    assertThat(all(read)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"date", "folder", "offset"})
  void planningSendsTheSameFilters(String partitionBy) throws Exception {
    read(Map.of("partitionBy", partitionBy, "type", "image"));

    Map<Boolean, Long> byType =
        server.mediaRequests().stream()
            .collect(
                Collectors.partitioningBy(
                    r -> "image".equals(r.query().get("type")), Collectors.counting()));
    // Only the folder planner's listings of folders ask for something else.
    assertThat(server.mediaRequests())
        .allSatisfy(r -> assertThat(r.query().get("type")).isIn("image", "folder"));
    assertThat(byType.get(true)).isPositive();
  }

  @Test
  void aTaskGetsNoMoreDateWindowsThanItReadsAtOnce() throws Exception {
    // Windows about evenly filled: cut to a partition's share of its task's requests, rounded
    // down, the 14 items over 2,000 made one window more than the tasks read at once, and the
    // task that got it read that window alone after the others.
    MediaCollection even = SyntheticCollection.generate(TestSeeds.seed(23), 2_000);
    try (CoreVizEmulator local =
        CoreVizEmulator.builder().collection(even).credential(KEY).start()) {
      InputPartition[] partitions =
          Batches.of(
                  Batches.options(
                      local, even, KEY, "itemsPerPartition", "1500", "maxConcurrentRequests", "8"))
              .planInputPartitions();

      assertThat(even.items().size() % (8 * partitions.length)).isNotZero();
      assertThat(partitions)
          .hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(
              partition ->
                  assertThat(((MediaPartition) partition).segments()).hasSizeLessThanOrEqualTo(8));
    }
  }

  @Test
  void aPlanLeavesTheNextPlanToTheSameHostAllOfItsRequestsAtOnce() throws Exception {
    // Every answer comes late, the later a request arrived the sooner: a round's answers come back
    // last-sent first. A plan's answers once started a probe of the executor-wide limit (its
    // first round of one-item probes, at half the requests in flight), which never finished and
    // held the next plan's rounds to the same host to a few requests at a time.
    MediaCollection even = SyntheticCollection.generate(TestSeeds.seed(29), 2_000);
    AtomicInteger arrived = new AtomicInteger();
    FaultInjector late =
        request -> {
          if (request.isMediaRequest()) {
            Thread.sleep(Math.max(40, 400 - 15 * arrived.incrementAndGet()));
          }
          return null;
        };
    // A loopback address of its own: the executor-wide limit is kept per host and port.
    try (CoreVizEmulator local =
        CoreVizEmulator.builder()
            .collection(even)
            .credential(KEY)
            .threads(64)
            .host("127.0.0.81")
            .start()) {
      // A reused plan would send other rounds.
      Map<String, String> options =
          Batches.options(local, even, KEY, "itemsPerPartition", "200", "reusePlans", "false");
      local.faults(late);
      String host = "127.0.0.81:" + local.port();
      int[] allowedAfter = new int[2];
      for (int plan = 0; plan < 2; plan++) {
        arrived.set(0);
        Batches.of(options).planInputPartitions();
        allowedAfter[plan] = HttpClients.shared().budget().allowed(host);
      }

      // Counted in the client: what the host's budget lets the next plan send at once.
      assertThat(allowedAfter)
          .as("requests the next plan may send at once, after each plan")
          .containsExactly(32, 32);
    }
  }

  /**
   * Planning started ahead (as a query starts to run) goes on in the background while every probe
   * is held at the server; Spark's later call gets its partitions, which read every item once.
   */
  @Test
  void planningStartedAheadRunsWhileItsCallerGoesOn() throws Exception {
    CountDownLatch released = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    server.faults(
        request -> {
          if (request.isMediaRequest()) {
            held.countDown();
            released.await(60, TimeUnit.SECONDS);
          }
          return null;
        });
    CoreVizBatch batch =
        (CoreVizBatch)
            Batches.of(
                Batches.options(
                    server.baseUrl(), skewed, KEY, "pageSize", "100", "itemsPerPartition", "400"));
    try {
      CompletableFuture.runAsync(batch::startPlanning).get(30, TimeUnit.SECONDS);
      assertThat(held.await(30, TimeUnit.SECONDS)).as("probes held at the server").isTrue();
    } finally {
      released.countDown();
    }
    List<String> ids = new ArrayList<>();
    for (InputPartition partition : batch.planInputPartitions()) {
      ids.addAll(Batches.ids(batch, partition));
    }
    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(skewed.items().stream().map(MediaItem::id).toList());
  }

  @Test
  void aFailedPlanLeavesNoRequestOfItInFlight() throws Exception {
    // The oldest item's probe is refused, the newest item's sent beside it answered late.
    planFailsOnlyOnceAnswered(
        SyntheticCollection.generate(TestSeeds.seed(37), 300),
        query -> "asc".equals(query.get("sortDirection")),
        query -> "desc".equals(query.get("sortDirection")));
  }

  @Test
  void aPlanWhoseCountCheckFailsLeavesNoRequestOfItInFlight() throws Exception {
    // The check of the reported total is refused, the date windows' counts sent beside it answered
    // late.
    planFailsOnlyOnceAnswered(
        SyntheticCollection.generate(TestSeeds.seed(41), 2_000),
        query -> "2".equals(query.get("limit")),
        query -> query.containsKey("dateFrom") || query.containsKey("dateTo"),
        "itemsPerPartition",
        "300");
  }

  @Test
  void aFailedFolderPlanLeavesNoRequestOfItInFlight() throws Exception {
    // The listing of the top level's folders is refused, the count of its own items answered late.
    planFailsOnlyOnceAnswered(
        skewed,
        query -> "folder".equals(query.get("type")),
        query -> !"true".equals(query.get("recursive")),
        "partitionBy",
        "folder");
  }

  /**
   * Plans a read of {@code collection} with {@code options} on a server that refuses the media
   * requests {@code refused} picks (by query) and answers those {@code late} picks 300 ms late: the
   * plan must fail, and only once the late ones are answered. The server has threads enough to take
   * every request at once, so none waits behind the late ones.
   */
  private static void planFailsOnlyOnceAnswered(
      MediaCollection collection,
      Predicate<Map<String, String>> refused,
      Predicate<Map<String, String>> late,
      String... options)
      throws Exception {
    AtomicBoolean answered = new AtomicBoolean();
    try (CoreVizEmulator local =
        CoreVizEmulator.builder().collection(collection).credential(KEY).threads(64).start()) {
      local.faults(
          request -> {
            if (!request.isMediaRequest()) {
              return null;
            }
            if (refused.test(request.query())) {
              return FaultInjector.Reply.json(400, "{\"error\":\"refused for the test\"}");
            }
            if (late.test(request.query())) {
              Thread.sleep(300);
              answered.set(true);
            }
            return null;
          });

      assertThatThrownBy(
              () ->
                  Batches.of(Batches.options(local, collection, KEY, options))
                      .planInputPartitions())
          .hasMessageContaining("refused for the test");
      assertThat(answered).as("the requests answered late, answered").isTrue();
    }
  }
}
