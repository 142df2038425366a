package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.NetworkFault;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fault a network or a busy service throws ({@link NetworkFault}: a reset, a body cut or
 * stalled halfway, 503, 429, a restart) injected into each kind of request a read sends: planning's
 * first probe, a count check, a page a task walks to, a page it sends ahead, a stream's request for
 * the newest items. Each read returns exactly the stored items, and the metric that counts that
 * kind of request's retries equals the faults the server's log shows it injected (a restart also
 * refuses connections no log records: at least as many).
 */
class FaultMatrixTest {

  private static final String KEY = "sk-fault-matrix-3e1f";
  private static final MediaCollection COLLECTION =
      SyntheticCollection.generate(TestSeeds.seed(29), 600);
  private static final int PAGE = 50;

  /** A read timeout the stall outlasts; retries that outlast the restart. */
  private static final Map<String, String> OUTLASTING =
      Map.of(
          "pageSize", String.valueOf(PAGE),
          "readTimeoutMs", "1000",
          "retryBackoffMs", "100",
          "maxRetries", "6");

  @SharedSpark private static SparkSession spark;

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(COLLECTION).credential(KEY));

  @TempDir Path checkpoints;

  /** What a read returned, and the retries its metric counted for the kind of request. */
  record Outcome(List<String> ids, long retries) {}

  /** A kind of request: which requests are of it, and a read that sends them. */
  enum Kind {
    PLANNING_PROBE(r -> limit(r) == 1 && offset(r) == 0) {
      @Override
      Outcome read(FaultMatrixTest test) {
        return test.batch(Map.of(), "CoreViz planning retries");
      }
    },
    COUNT_CHECK(r -> limit(r) == 2) {
      @Override
      Outcome read(FaultMatrixTest test) {
        return test.batch(Map.of(), "CoreViz planning retries");
      }
    },
    /**
     * One request in flight per task: each page is asked for once the one before it is back (from a
     * few items back, so a page asks for a few more than a page).
     */
    PAGE_WALKED(r -> limit(r) >= PAGE && offset(r) > 0) {
      @Override
      Outcome read(FaultMatrixTest test) {
        return test.batch(Map.of("maxConcurrentRequests", "1"), "CoreViz retries");
      }
    },
    /**
     * A pushed LIMIT is one segment, so a task's first requests are its first page and the pages
     * after it, sent ahead before any answer.
     */
    PAGE_AHEAD(r -> limit(r) >= PAGE && offset(r) > 0) {
      @Override
      Outcome read(FaultMatrixTest test) {
        return test.limited(400, "CoreViz retries");
      }

      @Override
      List<String> expected() {
        return oldest(400);
      }
    },
    STREAM_NEWEST(r -> limit(r) == PAGE && "desc".equals(r.query().get("sortDirection"))) {
      @Override
      Outcome read(FaultMatrixTest test) throws Exception {
        return test.stream();
      }
    };

    final Predicate<RecordedRequest> requests;

    Kind(Predicate<RecordedRequest> requests) {
      this.requests = r -> r.isMediaRequest() && requests.test(r);
    }

    abstract Outcome read(FaultMatrixTest test) throws Exception;

    List<String> expected() {
      return COLLECTION.items().stream().map(MediaItem::id).toList();
    }
  }

  static Stream<Arguments> cells() {
    return Stream.of(NetworkFault.values())
        .flatMap(fault -> Stream.of(Kind.values()).map(kind -> Arguments.of(fault, kind)));
  }

  @ParameterizedTest(name = "{0} into {1}")
  @MethodSource("cells")
  void everyRowOnceAndEveryFaultRetried(NetworkFault fault, Kind kind) throws Exception {
    server.faults(fault.once(kind.requests));

    Outcome outcome = kind.read(this);

    long injected =
        server.mediaRequests().stream().filter(kind.requests).filter(fault::injectedInto).count();
    assertThat(injected).as("faults injected into %s", kind).isEqualTo(1);
    assertThat(outcome.ids())
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(kind.expected());
    if (fault.countedByTheLog()) {
      assertThat(outcome.retries()).as("retries counted").isEqualTo(injected);
    } else {
      assertThat(outcome.retries()).as("retries counted").isGreaterThanOrEqualTo(injected);
    }
  }

  private Outcome batch(Map<String, String> options, String metric) {
    List<String> ids =
        TestReads.ids(
            TestReads.coreviz(spark, server, KEY, COLLECTION).options(OUTLASTING).options(options));
    return new Outcome(ids, Long.parseLong(TestReads.lastScanMetrics(spark).get(metric)));
  }

  private Outcome limited(int rows, String metric) {
    List<String> ids =
        TestReads.coreviz(spark, server, KEY, COLLECTION)
            .options(OUTLASTING)
            .option("maxConcurrentRequests", "4")
            .load()
            .limit(rows)
            .select("id")
            .collectAsList()
            .stream()
            .map(row -> row.getString(0))
            .toList();
    return new Outcome(ids, Long.parseLong(TestReads.lastScanMetrics(spark).get(metric)));
  }

  private Outcome stream() throws Exception {
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    StreamingQuery query =
        spark
            .readStream()
            .format("coreviz")
            .option("endpoint", server.baseUrl())
            .option("apiKey", KEY)
            .option("collectionId", COLLECTION.id())
            .options(OUTLASTING)
            .load()
            .select("id")
            .writeStream()
            .option("checkpointLocation", checkpoints.resolve("stream").toString())
            .foreachBatch(
                (VoidFunction2<Dataset<Row>, Long>)
                    (rows, batch) -> rows.collectAsList().forEach(row -> ids.add(row.getString(0))))
            .trigger(Trigger.AvailableNow())
            .start();
    query.awaitTermination();
    String retries = query.lastProgress().sources()[0].metrics().get("newestItemRetries");
    return new Outcome(List.copyOf(ids), Long.parseLong(retries));
  }

  /** The first {@code n} items by creation time (ties by id), as a pushed LIMIT reads them. */
  private static List<String> oldest(int n) {
    return COLLECTION.items().stream()
        .sorted(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id))
        .limit(n)
        .map(MediaItem::id)
        .toList();
  }

  private static long limit(RecordedRequest request) {
    return Long.parseLong(request.query().getOrDefault("limit", "-1"));
  }

  private static long offset(RecordedRequest request) {
    return Long.parseLong(request.query().getOrDefault("offset", "0"));
  }
}
