package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.RequestBudget;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import okhttp3.HttpUrl;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.junit.jupiter.api.Test;

/**
 * {@code reusePlans}: a later plan of the same read counts the last plan's date windows in its
 * first round of probes. The server holds every answer until the plan waits for one: the requests
 * it sent by then are its first round, counted with no timing involved. Plans are kept by endpoint
 * and query, and a later test's server may get an earlier one's port, so each test reads a
 * collection of its own.
 */
class PlanReuseTest {

  private static final String KEY = "sk-plan-reuse-6b1d";

  /** Holds every media request's answer until opened, counting those that arrived. */
  private static final class Gate implements FaultInjector {
    private final AtomicInteger arrived = new AtomicInteger();
    private final CountDownLatch open = new CountDownLatch(1);

    @Override
    public Reply intercept(RecordedRequest request) throws InterruptedException {
      if (request.isMediaRequest()) {
        arrived.incrementAndGet();
        open.await(60, TimeUnit.SECONDS);
      }
      return null;
    }
  }

  /** A plan: its partitions, the requests of its first round, and all of its requests. */
  private record Planned(InputPartition[] partitions, int firstRound, int requests) {}

  private static Map<String, String> options(
      CoreVizEmulator server, MediaCollection collection, String... extra) {
    Map<String, String> options = Batches.options(server, collection, KEY, extra);
    options.putIfAbsent("itemsPerPartition", "500");
    return options;
  }

  /**
   * Plans {@code batch} in a thread of its own while the server holds every answer, until the plan
   * waits for one with every request it sent at the server: those are its first round. Then the
   * answers go.
   */
  private static Planned plan(CoreVizEmulator server, Batch batch) throws Exception {
    Gate gate = new Gate();
    server.faults(gate);
    server.clearRequests();
    AtomicReference<InputPartition[]> partitions = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread planner =
        new Thread(
            () -> {
              try {
                partitions.set(batch.planInputPartitions());
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "planner");
    try {
      planner.start();
      String host = HttpUrl.get(server.baseUrl()).host() + ":" + server.port();
      RequestBudget budget = HttpClients.shared().budget();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!(waitsForAnAnswer(planner)
          && gate.arrived.get() == budget.inFlight(host)
          && budget.waiting(host) == 0)) {
        assertThat(System.nanoTime()).as("the plan's first round within 30 s").isLessThan(deadline);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      int firstRound = gate.arrived.get();
      gate.open.countDown();
      planner.join(TimeUnit.SECONDS.toMillis(60));
      if (failure.get() != null) {
        throw new AssertionError("planning failed", failure.get());
      }
      return new Planned(partitions.get(), firstRound, server.mediaRequests().size());
    } finally {
      gate.open.countDown();
      server.faults(FaultInjector.NONE);
    }
  }

  /** Whether {@code thread} is parked waiting for a future: a plan waiting for an answer. */
  private static boolean waitsForAnAnswer(Thread thread) {
    Thread.State state = thread.getState();
    if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
      return false;
    }
    return Arrays.stream(thread.getStackTrace())
        .anyMatch(
            frame -> frame.getClassName().startsWith("java.util.concurrent.CompletableFuture"));
  }

  private static List<String> ids(MediaCollection collection) {
    return collection.items().stream().map(MediaItem::id).toList();
  }

  /**
   * A server on a loopback address of the test's own: the executor-wide request limit is kept per
   * host and port, and one that another test taught (its reads queue on this machine's two cores,
   * or its server answered 429, on a port now reused) would let only part of a round out at once.
   */
  private static CoreVizEmulator.Builder server(MediaCollection collection, String host) {
    return CoreVizEmulator.builder().collection(collection).credential(KEY).threads(64).host(host);
  }

  @Test
  void aLaterPlanOfTheSameReadSendsAllItsProbesInOneRound() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(31), 2_000);
    try (CoreVizEmulator server = server(collection, "127.0.0.71").start()) {
      Map<String, String> options = options(server, collection);
      Planned first = plan(server, Batches.of(options));
      Batch again = Batches.of(options);
      Planned later = plan(server, again);

      assertThat(first.firstRound()).isLessThan(first.requests());
      assertThat(later.firstRound()).isEqualTo(later.requests());
      assertThat(later.partitions()).containsExactly(first.partitions());
      assertThat(Batches.ids(again, later.partitions()))
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection));
    }
  }

  @Test
  void withReusePlansOffEveryPlanTakesTwoRounds() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(41), 2_000);
    try (CoreVizEmulator server = server(collection, "127.0.0.72").start()) {
      Map<String, String> options = options(server, collection, "reusePlans", "false");
      plan(server, Batches.of(options));
      Planned later = plan(server, Batches.of(options));

      assertThat(later.firstRound()).isLessThan(later.requests());
    }
  }

  @Test
  void aPlanReusedAfterTheCollectionChangedIsExactAndSplitsTheWindowThatGrew() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(51), 2_000);
    try (CoreVizEmulator server = server(collection, "127.0.0.73").start()) {
      Map<String, String> options = options(server, collection);
      plan(server, Batches.of(options));
      // 600 items uploaded within one day in the middle of the collection, 60 after its newest
      // item, and 100 deleted.
      List<MediaItem> existing = new ArrayList<>(collection.media());
      existing.sort(java.util.Comparator.comparing(MediaItem::createdAt));
      Instant middle = existing.get(existing.size() / 2).createdAt();
      Instant newest = existing.get(existing.size() - 1).createdAt();
      Random random = new Random(TestSeeds.seed(4));
      List<MediaItem> added = SyntheticCollection.generate(TestSeeds.seed(77), 660, 0).media();
      for (int i = 0; i < added.size(); i++) {
        MediaItem item = added.get(i);
        Instant at =
            i < 600
                ? middle.plusSeconds(random.nextInt(3_600))
                : newest.plus(1 + random.nextInt(30), ChronoUnit.DAYS);
        collection.add(
            item.withPath(existing.get(i).parentPath() + "." + item.id()).withCreatedAt(at),
            Map.of());
      }
      for (int i = 0; i < 100; i++) {
        collection.remove(existing.get(random.nextInt(existing.size())).id());
      }
      Batch again = Batches.of(options);
      Planned later = plan(server, again);
      List<List<String>> partitions = new ArrayList<>();
      for (InputPartition partition : later.partitions()) {
        partitions.add(Batches.ids(again, partition));
      }

      assertThat(partitions.stream().flatMap(List::stream).toList())
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection));
      assertThat(later.firstRound())
          .as("the window that grew by 600 items is split in a second round")
          .isLessThan(later.requests());
      int smallest = partitions.stream().mapToInt(List::size).min().orElseThrow();
      int largest = partitions.stream().mapToInt(List::size).max().orElseThrow();
      assertThat((double) largest / smallest)
          .as("partition sizes %s", partitions.stream().map(List::size).toList())
          .isLessThanOrEqualTo(2.0);
    }
  }

  @Test
  void aServerWhoseWindowsDoNotAddUpIsPlannedByCutsEveryTime() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(61), 2_000);
    try (CoreVizEmulator server = server(collection, "127.0.0.74").exclusiveDateTo().start()) {
      Map<String, String> options = options(server, collection);
      Planned once = plan(server, Batches.of(options));
      Batch again = Batches.of(options);
      Planned later = plan(server, again);

      assertThat(later.firstRound()).isLessThan(later.requests());
      assertThat(Arrays.asList(later.partitions())).isEqualTo(Arrays.asList(once.partitions()));
      assertThat(Batches.ids(again, later.partitions()))
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(ids(collection));
    }
  }
}
