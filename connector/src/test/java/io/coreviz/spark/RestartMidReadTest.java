package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local server goes away in the middle of a 20,000-item read and comes back on the same port:
 * with the default retries the read outlasts a 3 s outage and returns every item exactly once; an
 * outage longer than {@code maxRetryTimeMs} fails the read with an error that names it.
 */
class RestartMidReadTest {

  private static final String KEY = "sk-restart-71d0";
  private static final MediaCollection COLLECTION =
      SyntheticCollection.generate(TestSeeds.seed(71), 20_000);

  @SharedSpark private static SparkSession spark;

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(COLLECTION).credential(KEY));

  /** The {@code n}-th page of data a read asks for (planning's probes ask for one or two items). */
  private static Predicate<RecordedRequest> nthPage(int n) {
    AtomicInteger pages = new AtomicInteger();
    return request ->
        request.isMediaRequest()
            && Integer.parseInt(request.query().get("limit")) > 2
            && pages.incrementAndGet() == n;
  }

  @Test
  void aThreeSecondRestartMidReadIsOutlastedWithTheDefaults() {
    server.faults(
        FaultInjector.first(1, nthPage(40), FaultInjector.Reply.restart(Duration.ofSeconds(3))));

    List<String> ids = TestReads.ids(TestReads.coreviz(spark, server, KEY, COLLECTION));

    List<RecordedRequest> log = server.mediaRequests();
    int restart = log.indexOf(log.stream().filter(RecordedRequest::faulted).findFirst().get());
    assertThat(log.get(restart).status()).isEqualTo(RecordedRequest.RESTARTED);
    assertThat(log.size() - restart).as("requests answered after the restart").isGreaterThan(100);
    assertThat(ids)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(
            COLLECTION.items().stream().map(MediaItem::id).toList());
    assertThat(Long.parseLong(TestReads.lastScanMetrics(spark).get("CoreViz retries")))
        .isPositive();
  }

  @Test
  void anOutageLongerThanMaxRetryTimeFailsTheReadNamingIt() {
    // A server of its own, closed while it is still down: no later test waits for it.
    MediaCollection small = SyntheticCollection.generate(TestSeeds.seed(72), 2_000);
    try (CoreVizEmulator down =
        CoreVizEmulator.builder().collection(small).credential(KEY).start()) {
      down.faults(
          FaultInjector.first(1, nthPage(4), FaultInjector.Reply.restart(Duration.ofSeconds(30))));

      assertThatThrownBy(
              () ->
                  TestReads.ids(
                      TestReads.coreviz(spark, down, KEY, small).option("maxRetryTimeMs", "1500")))
          .hasMessageContaining("Could not read CoreViz")
          .hasMessageContaining("Connection refused")
          .hasMessageMatching("(?s).*after \\d attempts over \\d\\.\\d s.*")
          .message()
          .doesNotContain(KEY);
    }
  }
}
