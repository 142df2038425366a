package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A whole read through a server that answers 10% of requests with 503 and 5% with 429: the exact
 * collection comes back, and the scan's metrics in the Spark UI count the retries.
 */
class FaultInjectionTest {

  private static final String KEY = "sk-faults-2c8d";
  @SharedSpark private static SparkSession spark;

  @Test
  void tenPercent503sAndFivePercent429sStillGiveTheExactCollection() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(61), 3_000);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      server.faults(
          FaultInjector.randomly(
                  0.10, 1, FaultInjector.Reply.json(503, "{\"error\":\"unavailable\"}"))
              .andThen(FaultInjector.randomly(0.05 / 0.90, 2, FaultInjector.tooManyRequests(0))));

      List<String> ids =
          TestReads.ids(
              TestReads.coreviz(spark, server, KEY, collection)
                  .option("pageSize", "20")
                  .option("retryBackoffMs", "2")
                  .option("maxRetries", "8"));

      List<RecordedRequest> requests = server.mediaRequests();
      long unavailable = requests.stream().filter(r -> r.status() == 503).count();
      long throttled = requests.stream().filter(r -> r.status() == 429).count();
      assertThat(ids)
          .doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(
              collection.items().stream().map(MediaItem::id).toList());
      assertThat(unavailable).isGreaterThan(requests.size() / 40);
      assertThat(throttled).isGreaterThan(requests.size() / 80);

      // The scan's metrics count the tasks' requests: pages of data, not planning's probes.
      List<RecordedRequest> pages =
          requests.stream().filter(r -> Integer.parseInt(r.query().get("limit")) > 2).toList();
      long pages503 = pages.stream().filter(r -> r.status() == 503).count();
      long pages429 = pages.stream().filter(r -> r.status() == 429).count();
      Map<String, String> metrics = TestReads.lastScanMetrics(spark);
      assertThat(metrics)
          .containsEntry("CoreViz rows read", String.valueOf(collection.items().size()))
          .containsEntry("CoreViz requests", String.valueOf(pages.size()))
          .containsEntry("CoreViz retries", String.valueOf(pages503 + pages429))
          .containsEntry("CoreViz 429 answers", String.valueOf(pages429));
      assertThat(pages429).isPositive();
      assertThat(metrics)
          .containsKeys(
              "CoreViz bytes read",
              "CoreViz duplicates dropped",
              "CoreViz pages re-aligned",
              "CoreViz time throttled (ms)");
    }
  }
}
