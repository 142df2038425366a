package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partition reader's requests follow the pages' arrival, not Spark's consumption, and a reader
 * whose rows are not consumed holds a bounded number of pages.
 */
class MediaPartitionReaderTest {

  private static final String KEY = "sk-partition-reader-5e1a";
  private static final MediaCollection collection = SyntheticCollection.generate(61, 400);
  private static final int PAGE_SIZE = 10;
  private static final int SEGMENTS = 4;

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(collection).credential(KEY));

  /** Four exact offset ranges of 60 items each, oldest first: at least six pages each. */
  private static MediaPartition partition() {
    MediaQuery query = MediaQuery.of(collection.id()).withSort(MediaQuery.Sort.OLDEST_FIRST);
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < SEGMENTS; i++) {
      segments.add(Segment.range(query, 60L * i, 60));
    }
    return new MediaPartition(0, segments);
  }

  private static MediaPartitionReader reader() {
    return reader(partition());
  }

  private static MediaPartitionReader reader(MediaPartition partition) {
    CoreVizClient client =
        new CoreVizClient(server.baseUrl(), Credentials.apiKey(KEY), HttpClients.shared());
    return new MediaPartitionReader(
        client,
        PAGE_SIZE,
        SEGMENTS,
        partition,
        MediaSchema.SCHEMA,
        () -> MediaPartitionReader.RowCheck.NONE,
        null);
  }

  @Test
  void aLoneExactRangeIsReadWithAllTheTasksRequestsAndNoneWasted() throws Exception {
    // The first answers wait until the task's four requests are all at the server (or 10 s):
    // counted there, with no timing involved.
    CountDownLatch four = new CountDownLatch(SEGMENTS);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    server.faults(
        request -> {
          most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          four.countDown();
          try {
            four.await(10, TimeUnit.SECONDS);
          } finally {
            inFlight.decrementAndGet();
          }
          return null;
        });
    MediaQuery query = MediaQuery.of(collection.id()).withSort(MediaQuery.Sort.OLDEST_FIRST);
    List<String> ids = new ArrayList<>();
    try (MediaPartitionReader reader =
        reader(new MediaPartition(0, List.of(Segment.range(query, 0, 95))))) {
      while (reader.next()) {
        ids.add(reader.get().getUTF8String(0).toString());
      }
    }

    assertThat(ids).containsExactlyElementsOf(oldestFirst().subList(0, 95));
    // Read one page at a time: 10 items, then 9 pages that start one item early (the last holds
    // the range's last 5).
    List<String> expected = new ArrayList<>(List.of("0:10"));
    for (int offset = 10; offset < 95; offset += 10) {
      expected.add((offset - 1) + ":" + (Math.min(10, 95 - offset) + 1));
    }
    assertThat(server.mediaRequests())
        .extracting(r -> r.query().get("offset") + ":" + r.query().get("limit"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(most.get()).as("requests in flight at once").isEqualTo(SEGMENTS);
  }

  @Test
  void aReaderEndsOnlyOnceTheRequestsItSentAheadAndDroppedAreBack() throws Exception {
    int items = collection.items().size();
    // Answers that reach the real end are slow: while the walk waits for the one that finds it,
    // Spark drains the pages held and the walk sends requests ahead past the end, which are not
    // back when it is done. (With only those past the end slow, a test thread that fell behind
    // could hold the walk's sends until the end was found, and nothing went past it.)
    server.faults(
        request -> {
          int offset = Integer.parseInt(request.query().getOrDefault("offset", "0"));
          int limit = Integer.parseInt(request.query().getOrDefault("limit", "0"));
          if (offset + limit > items) {
            Thread.sleep(300);
          }
          return null;
        });
    MediaQuery query = MediaQuery.of(collection.id()).withSort(MediaQuery.Sort.OLDEST_FIRST);
    // Planning counted more than there are (items deleted since): the walk looks ahead past the
    // end, and drops those pages when it finds the end.
    Segment segment = Segment.all(query).expecting(items + 60);
    int rows = 0;
    try (MediaPartitionReader reader = reader(new MediaPartition(0, List.of(segment)))) {
      while (reader.next()) {
        rows++;
      }

      assertThat(reader.outstanding()).as("the reader's requests out once it is done").isZero();
      assertThat(HttpClients.shared().budget().inFlight(host()))
          .as("requests in flight to the server once the reader is done")
          .isZero();
    }
    assertThat(rows).isEqualTo(items);
    assertThat(server.mediaRequests())
        .as("requests sent ahead past the end")
        .anyMatch(r -> Integer.parseInt(r.query().get("offset")) >= items);
  }

  private static String host() {
    return okhttp3.HttpUrl.get(server.baseUrl()).host()
        + ":"
        + okhttp3.HttpUrl.get(server.baseUrl()).port();
  }

  @Test
  void aPageEndingInTiedKeysIsCutFromThePageSentAheadNotSentAgain() throws Exception {
    MediaCollection tied = tiedAtEveryPageEnd();
    try (CoreVizEmulator tiedServer =
        CoreVizEmulator.builder().collection(tied).credential(KEY).start()) {
      List<String> ids = readWhole(tiedServer, tied);

      assertThat(ids)
          .containsExactlyInAnyOrderElementsOf(tied.items().stream().map(MediaItem::id).toList());
      List<String> sent =
          tiedServer.mediaRequests().stream()
              .map(r -> r.query().get("offset") + ":" + r.query().get("limit"))
              .toList();
      // Each page once: a walk that dropped its pages ahead at every pair sent them again.
      assertThat(sent).doesNotHaveDuplicates();
      // A page per ten items: the last, short, is cut too, as it says nothing follows.
      assertThat(sent).hasSizeLessThanOrEqualTo(tied.items().size() / PAGE_SIZE + 1);
    }
  }

  @Test
  void pagesSentAheadToAServerThatCapsThemAndShufflesTiesStillReadEveryItemOnce() throws Exception {
    MediaCollection tied = tiedAtEveryPageEnd();
    // Twelve items at most: pages sent ahead (fourteen) come back short without being the end.
    try (CoreVizEmulator capped =
        CoreVizEmulator.builder()
            .collection(tied)
            .credential(KEY)
            .maxLimit(12)
            .unstableTies(7)
            .start()) {
      List<String> ids = readWhole(capped, tied);

      assertThat(ids)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(tied.items().stream().map(MediaItem::id).toList());
    }
  }

  /**
   * The test collection where every page of ten, oldest first, ends on two items of one createdAt:
   * the walk then asks from one item further back than it foresaw (the item before the pair, the
   * pair, ten more).
   */
  private static MediaCollection tiedAtEveryPageEnd() {
    List<MediaItem> items =
        collection.items().stream()
            .sorted(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id))
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    for (int p = PAGE_SIZE - 1; p < items.size(); p += PAGE_SIZE) {
      items.set(p, items.get(p).withCreatedAt(items.get(p - 1).createdAt()));
    }
    return new MediaCollection(collection.id(), items, java.util.Map.of());
  }

  /** Reads {@code c} as one counted segment, oldest first, with the test's requests at once. */
  private static List<String> readWhole(CoreVizEmulator at, MediaCollection c) throws Exception {
    MediaQuery query = MediaQuery.of(c.id()).withSort(MediaQuery.Sort.OLDEST_FIRST);
    Segment segment = Segment.all(query).expecting(c.items().size());
    CoreVizClient client =
        new CoreVizClient(at.baseUrl(), Credentials.apiKey(KEY), HttpClients.shared());
    List<String> ids = new ArrayList<>();
    try (MediaPartitionReader reader =
        new MediaPartitionReader(
            client,
            PAGE_SIZE,
            SEGMENTS,
            new MediaPartition(0, List.of(segment)),
            MediaSchema.SCHEMA,
            () -> MediaPartitionReader.RowCheck.NONE,
            null)) {
      while (reader.next()) {
        ids.add(reader.get().getUTF8String(0).toString());
      }
    }
    return ids;
  }

  private static List<String> oldestFirst() {
    return collection.items().stream()
        .sorted(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id))
        .map(MediaItem::id)
        .toList();
  }

  /**
   * Waits until the reader has no request out, and returns the server's count of requests then. A
   * reader sends only when an answer is handled or Spark takes a page, and the count drops to zero
   * only once the last answer is handled: with Spark taking nothing, it then sends nothing more.
   */
  private static int quietRequests(MediaPartitionReader reader) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (reader.outstanding() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    assertThat(reader.outstanding()).as("requests out after 20 s").isZero();
    return server.mediaRequests().size();
  }

  @Test
  void eachSegmentSendsItsNextRequestOnArrivalAndHoldsAtMostTwoPagesForSpark() throws Exception {
    try (MediaPartitionReader reader = reader()) {
      assertThat(quietRequests(reader)).as("requests before the first next()").isZero();

      assertThat(reader.next()).isTrue();

      // Spark has taken one page and consumes nothing more. Each segment's first page sent the
      // next request as it arrived (a reader driven by consumption sends one more in all, for the
      // page taken), and no segment asks again while two of its pages wait: two pages held per
      // segment, plus the one Spark took.
      assertThat(quietRequests(reader)).isEqualTo(2 * SEGMENTS + 1);
    }
  }

  @Test
  void everyItemOfThePartitionComesOutOnce() throws Exception {
    List<String> ids = new ArrayList<>();
    try (MediaPartitionReader reader = reader()) {
      while (reader.next()) {
        ids.add(reader.get().getUTF8String(0).toString());
        if (ids.size() % 25 == 0) {
          Thread.sleep(5); // a slow consumer: segments hold back, then resume
        }
      }
    }
    List<String> expected = oldestFirst().subList(0, 60 * SEGMENTS);
    assertThat(ids).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
  }
}
