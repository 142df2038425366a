package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConcurrentRequestsPerExecutor} is the ceiling of requests in flight to one host, not
 * OkHttp's dispatcher: with 64 allowed, 64 reach the server at once, and a 65th waits for a slot.
 * Counted at the server, whose answers are held until all have arrived: no timing involved.
 */
class ExecutorCeilingTest {

  private static final String KEY = "sk-ceiling-44e2";
  private static final MediaCollection COLLECTION = SyntheticCollection.generate(44, 100);

  @Test
  void sixtyFourInFlightReachTheServerWhenSixtyFourAreAllowed() throws Exception {
    CountDownLatch arrived = new CountDownLatch(64);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(COLLECTION)
            .credential(KEY)
            .threads(80)
            .host("127.0.0.64")
            .start()) {
      server.faults(
          request -> {
            if (request.isMediaRequest()) {
              most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              arrived.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } finally {
                inFlight.decrementAndGet();
              }
            }
            return null;
          });
      CallPolicy sixtyFour =
          new CallPolicy(
              0,
              Duration.ZERO,
              Duration.ZERO,
              Duration.ofMinutes(1),
              Duration.ofSeconds(10),
              Duration.ofSeconds(60),
              0,
              64);
      RequestStats stats = new RequestStats();
      CoreVizClient client =
          new CoreVizClient(
              server.baseUrl(), Credentials.apiKey(KEY), HttpClients.shared(), sixtyFour, stats);

      List<CompletableFuture<MediaPage<Void>>> pages = new ArrayList<>();
      for (int i = 0; i < 65; i++) {
        pages.add(
            client.fetchAsync(
                MediaRequest.of(COLLECTION.id()).with("recursive", true).page(i, 1),
                ItemReader.SKIP));
      }
      boolean all = arrived.await(30, TimeUnit.SECONDS);
      release.countDown();
      CompletableFuture.allOf(pages.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);

      assertThat(all).as("64 requests at the server at once").isTrue();
      assertThat(most.get()).as("never more than the 64 allowed").isEqualTo(64);
      assertThat(server.mediaRequests()).hasSize(65);
      assertThat(stats.throttledNanos.get()).as("the 65th waited for a slot").isPositive();
    }
  }
}
