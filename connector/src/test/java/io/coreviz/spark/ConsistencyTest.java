package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.DataException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every item present for the whole scan comes back exactly once, while the server orders equal
 * timestamps differently on every request and while items are inserted and deleted mid-scan.
 */
class ConsistencyTest {

  private static final String KEY = "sk-consistency-5b0e";
  @SharedSpark private static SparkSession spark;

  private static List<String> ids(
      CoreVizEmulator server, MediaCollection collection, Map<String, String> extra) {
    return TestReads.ids(
        TestReads.coreviz(spark, server, KEY, collection)
            .option("pageSize", "20")
            .option("itemsPerPartition", "400")
            .options(extra));
  }

  private static Set<String> idsOf(List<MediaItem> items) {
    Set<String> ids = new HashSet<>();
    items.forEach(item -> ids.add(item.id()));
    return ids;
  }

  @Test
  void unstableOrderOfEqualTimestampsNeitherHidesNorRepeatsItems() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(41), 1_500);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .unstableTies(TestSeeds.seed(7))
            .start()) {
      // The hook is real: naive offset paging of the same query sees repeats. A pass sees none
      // where no tie that spans two pages happened to change order between them, so it gets a few.
      CoreVizClient client =
          new CoreVizClient(server.baseUrl(), Credentials.apiKey(KEY), HttpClients.shared());
      MediaRequest query =
          MediaRequest.of(collection.id())
              .with("recursive", true)
              .with("sortBy", "createdAt")
              .with("sortDirection", "asc");
      boolean repeats = false;
      for (int pass = 0; pass < 5 && !repeats; pass++) {
        List<String> naive = new ArrayList<>();
        for (int offset = 0; offset < collection.items().size(); offset += 20) {
          MediaPage<InternalRow> page = client.fetch(query.page(offset, 20), new MediaRowReader());
          page.items().forEach(row -> naive.add(row.getUTF8String(0).toString()));
        }
        repeats = new HashSet<>(naive).size() < naive.size();
      }
      assertThat(repeats).as("naive paging repeats an item in one of 5 passes").isTrue();

      List<String> read = ids(server, collection, Map.of());

      assertThat(read)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(idsOf(collection.items()));
    }
  }

  /**
   * Inserts and deletes {@code count} media, one of each on each page of data read after the first
   * two (planning's probes, which ask for one or two items, are left alone), and counts the pages
   * of data served. A page past its query's start loses that query's first item, so offsets shift
   * under the reader that asked.
   */
  private static FaultInjector churn(
      MediaCollection collection,
      List<MediaItem> inserts,
      Set<String> deleted,
      int count,
      AtomicInteger dataPages) {
    Random random = new Random(TestSeeds.seed(5));
    List<MediaItem> candidates = new ArrayList<>(collection.media());
    return request -> {
      if (!request.isMediaRequest()
          || Integer.parseInt(request.query().getOrDefault("limit", "10")) <= 2) {
        return null;
      }
      int n = dataPages.incrementAndGet();
      if (n > 2 && n <= 2 + count) {
        synchronized (random) {
          MediaItem victim = firstOf(collection, request.query(), candidates);
          if (victim == null) {
            victim = candidates.remove(random.nextInt(candidates.size()));
          }
          collection.remove(victim.id());
          deleted.add(victim.id());
          collection.add(inserts.get(n - 3), Map.of());
        }
      }
      return null;
    };
  }

  /**
   * For a request past its query's first item, that first item (removed from {@code candidates}):
   * deleting it shifts this very request's offsets, so its reader must step back. Else null.
   */
  private static MediaItem firstOf(
      MediaCollection collection, Map<String, String> query, List<MediaItem> candidates) {
    if (Long.parseLong(query.getOrDefault("offset", "0")) == 0) {
      return null;
    }
    Map<String, String> first = new java.util.HashMap<>(query);
    first.put("offset", "0");
    first.put("limit", "1");
    var hits = MediaSearch.search(collection, MediaQuery.parse(first, collection.id(), 1)).page();
    if (hits.isEmpty() || !candidates.remove(hits.get(0).item())) {
      return null;
    }
    return hits.get(0).item();
  }

  /** New media for {@code collection}, created at random moments inside its time range. */
  private static List<MediaItem> newMedia(MediaCollection collection, int count) {
    Random random = new Random(TestSeeds.seed(9));
    List<MediaItem> media = new ArrayList<>();
    for (MediaItem template : SyntheticCollection.generate(TestSeeds.seed(99), count, 0).media()) {
      MediaItem anchor = collection.media().get(random.nextInt(collection.media().size()));
      media.add(
          template
              .withPath(anchor.parentPath() + "." + template.id())
              .withCreatedAt(anchor.createdAt().plusMillis(random.nextInt(5))));
    }
    return media;
  }

  /**
   * Every item present before the scan and not deleted during it was read exactly once, and nothing
   * read is an item that never existed; all {@code changes} landed.
   */
  private static void assertExactForWhatStayed(
      List<String> read,
      Set<String> before,
      List<MediaItem> inserts,
      Set<String> deleted,
      int changes) {
    Set<String> stayed = new HashSet<>(before);
    stayed.removeAll(deleted);
    Set<String> everExisted = new HashSet<>(before);
    everExisted.addAll(idsOf(inserts));
    assertThat(deleted).as("every change landed while data pages were read").hasSize(changes);
    assertThat(read).doesNotHaveDuplicates().containsAll(stayed);
    assertThat(everExisted).containsAll(read);
  }

  @ParameterizedTest(name = "partitionBy={0}, numPartitions={1}")
  @CsvSource({"date, 0", "folder, 0", "date, 1", "folder, 1"})
  void insertsAndDeletesMidScanLoseAndRepeatNothingThatStayed(
      String partitionBy, int numPartitions) {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(43), 2_000);
    Set<String> before = idsOf(collection.items());
    List<MediaItem> inserts = newMedia(collection, 50);
    Set<String> deleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .unstableTies(TestSeeds.seed(3))
            .start()) {
      AtomicInteger dataPages = new AtomicInteger();
      server.faults(churn(collection, inserts, deleted, 50, dataPages));

      // numPartitions=1: every segment in one task, eight of them read at once.
      Map<String, String> options =
          numPartitions == 0
              ? Map.of("partitionBy", partitionBy)
              : Map.of(
                  "partitionBy",
                  partitionBy,
                  "numPartitions",
                  String.valueOf(numPartitions),
                  "maxConcurrentRequests",
                  "8");
      List<String> read = ids(server, collection, options);

      assertExactForWhatStayed(read, before, inserts, deleted, 50);
      assertThat(dataPages.get()).as("and more pages were read after the last").isGreaterThan(52);
      assertThat(Long.parseLong(TestReads.lastScanMetrics(spark).get("CoreViz pages re-aligned")))
          .as("deletions before a reader's position shifted offsets, and readers stepped back")
          .isPositive();
    }
  }

  /** {@code collection} with its items stamped in runs of {@code run} equal creation times. */
  private static MediaCollection inRuns(MediaCollection collection, int run) {
    List<MediaItem> sorted =
        collection.items().stream()
            .sorted(java.util.Comparator.comparing(MediaItem::createdAt))
            .toList();
    List<MediaItem> stamped = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      stamped.add(sorted.get(i).withCreatedAt(sorted.get(i - i % run).createdAt()));
    }
    return new MediaCollection(collection.id(), stamped, Map.of());
  }

  /**
   * Small units (partitions of 25 items, pages of 100) on a collection stamped in runs of 30 equal
   * times: runs span whole units, so two cuts land in one run, and the runs are ordered differently
   * on every request while items are inserted and deleted. A cut inside a run must be dropped (a
   * run of 30 fits a page), not turn the read into offset ranges, which no order that changes can
   * keep exact.
   */
  @ParameterizedTest(name = "partitionBy={0}")
  @CsvSource({"date", "folder"})
  void cutsThatLandInRunsOfEqualTimestampsStayExactUnderChangesAndUnstableTies(String partitionBy) {
    MediaCollection collection =
        inRuns(SyntheticCollection.generate(TestSeeds.seed(49), 2_000), 30);
    Set<String> before = idsOf(collection.items());
    List<MediaItem> inserts = newMedia(collection, 30);
    Set<String> deleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential(KEY)
            .unstableTies(TestSeeds.seed(11))
            .start()) {
      AtomicInteger dataPages = new AtomicInteger();
      server.faults(churn(collection, inserts, deleted, 30, dataPages));

      List<String> read =
          ids(
              server,
              collection,
              Map.of("partitionBy", partitionBy, "pageSize", "100", "itemsPerPartition", "25"));

      assertExactForWhatStayed(read, before, inserts, deleted, 30);
      long probes =
          server.mediaRequests().stream()
              .filter(r -> r.query().getOrDefault("limit", "10").equals("1"))
              .count();
      assertThat(probes).as("the plan cut the read finely").isGreaterThan(20);
    }
  }

  /** Runs {@code change} once, on the first page of data (planning's probes ask for 1 or 2). */
  private static FaultInjector onFirstDataPage(Runnable change, AtomicInteger changed) {
    return request -> {
      if (request.isMediaRequest()
          && Integer.parseInt(request.query().getOrDefault("limit", "10")) > 2
          && changed.getAndIncrement() == 0) {
        change.run();
      }
      return null;
    };
  }

  @Test
  void offsetRangesThatComeUpShortFailClearly() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(45), 600);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      AtomicInteger changed = new AtomicInteger();
      server.faults(
          onFirstDataPage(
              () ->
                  List.copyOf(collection.media()).stream()
                      .limit(40)
                      .forEach(item -> collection.remove(item.id())),
              changed));

      assertThatThrownBy(() -> ids(server, collection, Map.of("partitionBy", "offset")))
          .hasRootCauseInstanceOf(DataException.class)
          .hasMessageContaining("added or deleted while the scan ran")
          .hasMessageContaining("partitionBy=date");
      assertThat(changed.get()).isPositive();
    }
  }

  @Test
  void offsetRangesWhoseFirstItemIsGoneWhilePlanningFailThePlan() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(51), 600);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      AtomicInteger changed = new AtomicInteger();
      java.util.concurrent.CountDownLatch deleted = new java.util.concurrent.CountDownLatch(1);
      server.faults(
          request -> {
            // The first probe of a range's first item (after the count and its check): the newest
            // half of the collection is deleted, so the later ranges' offsets hold nothing. The
            // probes sent beside it are answered only once the deletion is done, so none of them
            // sees the collection as it was, however the server's threads are scheduled.
            if (request.isMediaRequest()
                && "1".equals(request.query().get("limit"))
                && !"0".equals(request.query().getOrDefault("offset", "0"))) {
              if (changed.getAndIncrement() == 0) {
                collection.items().stream()
                    .sorted(java.util.Comparator.comparing(MediaItem::createdAt).reversed())
                    .limit(collection.items().size() / 2)
                    .forEach(item -> collection.remove(item.id()));
                deleted.countDown();
              } else {
                try {
                  deleted.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
            return null;
          });

      // Planning runs on the driver: the error comes straight from it, not from a task.
      assertThatThrownBy(() -> ids(server, collection, Map.of("partitionBy", "offset")))
          .isInstanceOf(DataException.class)
          .hasMessageContaining("items were deleted while the scan was planned");
      assertThat(changed.get()).isPositive();
    }
  }

  /**
   * One item deleted before every range and one added after them all: the count is unchanged and
   * every range would still fill up, each one item further on, so a range that trusted offsets
   * would silently skip the item that moved into the range before it.
   */
  @ParameterizedTest(name = "maxConcurrentRequests={0}")
  @CsvSource({"1", "8"})
  void offsetRangesFailRatherThanSkipAnItemWhenADeletionIsMadeUpForByAnInsert(int concurrency) {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(47), 600);
    MediaItem oldest =
        collection.items().stream()
            .min(java.util.Comparator.comparing(MediaItem::createdAt))
            .orElseThrow();
    MediaItem newest =
        collection.items().stream()
            .max(java.util.Comparator.comparing(MediaItem::createdAt))
            .orElseThrow();
    MediaItem added = newMedia(collection, 1).get(0);
    MediaItem late =
        added
            .withPath(newest.parentPath() + "." + added.id())
            .withCreatedAt(newest.createdAt().plusSeconds(60));
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      AtomicInteger changed = new AtomicInteger();
      server.faults(
          onFirstDataPage(
              () -> {
                collection.remove(oldest.id());
                collection.add(late, Map.of());
              },
              changed));

      assertThatThrownBy(
              () ->
                  ids(
                      server,
                      collection,
                      Map.of(
                          "partitionBy",
                          "offset",
                          "itemsPerPartition",
                          "100",
                          "maxConcurrentRequests",
                          String.valueOf(concurrency))))
          .hasRootCauseInstanceOf(DataException.class)
          .hasMessageContaining("added or deleted while the scan ran");
      assertThat(changed.get()).isPositive();
    }
  }
}
