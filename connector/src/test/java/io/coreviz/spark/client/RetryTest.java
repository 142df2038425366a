package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.errors.BadRequestException;
import io.coreviz.spark.errors.ConnectionException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.errors.RateLimitedException;
import io.coreviz.spark.errors.ServerException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retries, backoff and the rate cap, with a fake clock: no test here really waits. */
class RetryTest {

  private static final String KEY = "sk-retry-test-90aa";
  private static final MediaCollection collection = SyntheticCollection.generate(3, 40);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(collection).credential(KEY));

  /** Records waits and advances the fake clock by them instead of sleeping. */
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  private final AtomicLong now = new AtomicLong();
  private final Transport http =
      HttpClients.create(
          duration -> {
            waits.add(duration);
            now.addAndGet(duration.toNanos());
          },
          now::get);

  private CoreVizClient client(CallPolicy policy, RequestStats stats) {
    return new CoreVizClient(server.baseUrl(), Credentials.apiKey(KEY), http, policy, stats);
  }

  private static MediaRequest browse() {
    return MediaRequest.of(collection.id()).with("recursive", true).page(0, 5);
  }

  /** Fails the first {@code failures} media requests with {@code reply}. */
  private static FaultInjector first(int failures, FaultInjector.Reply reply) {
    AtomicInteger count = new AtomicInteger();
    return request ->
        request.isMediaRequest() && count.incrementAndGet() <= failures ? reply : null;
  }

  @Test
  void transientFailuresAreRetriedWithGrowingJitteredBackoff() {
    server.faults(first(3, FaultInjector.Reply.json(503, "{\"error\":\"busy\"}")));
    RequestStats stats = new RequestStats();

    MediaPage<Void> page = client(CallPolicy.DEFAULT, stats).fetch(browse(), ItemReader.SKIP);

    assertThat(page.pagination().total()).isEqualTo(collection.items().size());
    assertThat(stats.requests.get()).isEqualTo(4);
    assertThat(stats.retries.get()).isEqualTo(3);
    assertThat(waits).hasSize(3);
    for (int i = 0; i < waits.size(); i++) {
      assertThat(waits.get(i))
          .isBetween(Duration.ofMillis(100L << i), Duration.ofMillis(200L << i));
    }
  }

  /** A jitter source whose every draw is the highest (or lowest) it may be. */
  private static RandomGenerator pinned(boolean highest) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new AssertionError("the backoff draws with a bound");
      }

      @Override
      public long nextLong(long bound) {
        return highest ? bound - 1 : 0;
      }
    };
  }

  @Test
  void backoffCeilingsDoubleFromRetryBackoffUpToTheMaximum() {
    server.faults(first(6, FaultInjector.Reply.json(503, "{\"error\":\"busy\"}")));
    Transport top = HttpClients.create(waits::add, now::get, pinned(true));
    CallPolicy policy =
        new CallPolicy(
            6,
            Duration.ofMillis(200),
            Duration.ofMillis(1_500),
            Duration.ofMinutes(2),
            Duration.ofSeconds(10),
            Duration.ofSeconds(60),
            0,
            32);

    new CoreVizClient(server.baseUrl(), Credentials.apiKey(KEY), top, policy, new RequestStats())
        .fetch(browse(), ItemReader.SKIP);

    assertThat(waits)
        .as("equal jitter's highest draws are the ceilings: 200 ms doubled, capped at 1.5 s")
        .containsExactly(
            Duration.ofMillis(200),
            Duration.ofMillis(400),
            Duration.ofMillis(800),
            Duration.ofMillis(1_500),
            Duration.ofMillis(1_500),
            Duration.ofMillis(1_500));
  }

  @Test
  void jitterDrawsFromHalfTheCeilingUpToIt() {
    server.faults(first(2, FaultInjector.Reply.json(503, "{\"error\":\"busy\"}")));
    Transport bottom = HttpClients.create(waits::add, now::get, pinned(false));

    new CoreVizClient(
            server.baseUrl(),
            Credentials.apiKey(KEY),
            bottom,
            CallPolicy.DEFAULT,
            new RequestStats())
        .fetch(browse(), ItemReader.SKIP);

    assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void retryAfterIsHonoured() {
    server.faults(first(2, FaultInjector.tooManyRequests(7)));
    RequestStats stats = new RequestStats();

    client(CallPolicy.DEFAULT, stats).fetch(browse(), ItemReader.SKIP);

    assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7));
    assertThat(stats.rateLimited.get()).isEqualTo(2);
    assertThat(stats.throttledNanos.get()).isEqualTo(Duration.ofSeconds(14).toNanos());
  }

  @Test
  void givingUpNamesTheRequestStatusServerTextAndAttempts() {
    server.faults(request -> FaultInjector.Reply.json(502, "{\"error\":\"bad gateway\"}"));

    assertThatThrownBy(
            () -> client(CallPolicy.DEFAULT, new RequestStats()).fetch(browse(), ItemReader.SKIP))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("HTTP 502")
        .hasMessageContaining("/api/dataset/" + collection.id() + "/media")
        .hasMessageContaining("after 6 attempts")
        .hasMessageContaining("bad gateway")
        .message()
        .doesNotContain(KEY);
    assertThat(waits).hasSize(5);
  }

  @Test
  void totalRetryTimeIsBounded() {
    server.faults(request -> FaultInjector.tooManyRequests(30));
    CallPolicy policy =
        new CallPolicy(
            50,
            Duration.ofMillis(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(100),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            0,
            32);

    assertThatThrownBy(() -> client(policy, new RequestStats()).fetch(browse(), ItemReader.SKIP))
        .isInstanceOf(RateLimitedException.class)
        .hasMessageContaining("after 4 attempts");
    assertThat(waits).hasSize(3); // 3 x 30 s fit in 100 s, a fourth would not
  }

  @Test
  void clientErrorsAreNotRetried() {
    RequestStats stats = new RequestStats();

    assertThatThrownBy(
            () ->
                client(CallPolicy.DEFAULT, stats)
                    .fetch(browse().with("dateFrom", "yesterday"), ItemReader.SKIP))
        .isInstanceOf(BadRequestException.class);
    assertThat(stats.requests.get()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void connectionsDroppedBeforeTheAnswerOrMidBodyAreRetried() {
    AtomicInteger count = new AtomicInteger();
    String padding = "x".repeat(400);
    byte[] page =
        ("{\"media\":[],\"pagination\":{\"total\":0,\"padding\":\"" + padding + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
    server.faults(
        request ->
            switch (count.incrementAndGet()) {
              case 1 -> FaultInjector.Reply.disconnect();
              case 2 -> FaultInjector.Reply.cutAfter(100, page);
              default -> null;
            });
    RequestStats stats = new RequestStats();

    MediaPage<Void> result = client(CallPolicy.DEFAULT, stats).fetch(browse(), ItemReader.SKIP);

    assertThat(result.pagination().total()).isEqualTo(collection.items().size());
    assertThat(stats.retries.get()).isEqualTo(2);
  }

  @Test
  void aBodyThatKeepsBreakingIsAConnectionErrorNamingTheAttempts() {
    byte[] page = "{\"media\":[],\"pagination\":{\"total\":0}}".getBytes(StandardCharsets.UTF_8);
    server.faults(request -> FaultInjector.Reply.cutAfter(5, page));

    assertThatThrownBy(
            () -> client(CallPolicy.DEFAULT, new RequestStats()).fetch(browse(), ItemReader.SKIP))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("after 6 attempts")
        .hasMessageContaining("/api/dataset/" + collection.id() + "/media");
  }

  @Test
  void redirectsAreNotFollowedSoTheKeyStaysWithTheEndpoint() {
    try (CoreVizEmulator elsewhere = CoreVizEmulator.builder().collection(collection).start()) {
      server.faults(
          request ->
              new FaultInjector.Reply(
                  302,
                  Map.of(
                      "Location",
                      elsewhere.baseUrl() + "/api/dataset/" + collection.id() + "/media"),
                  new byte[0]));

      assertThatThrownBy(
              () -> client(CallPolicy.DEFAULT, new RequestStats()).fetch(browse(), ItemReader.SKIP))
          .isInstanceOf(DataException.class)
          .hasMessageContaining("redirects are not followed");
      assertThat(elsewhere.requests()).isEmpty();
    }
  }

  @Test
  void requestRateIsCappedPerHost() {
    CallPolicy capped =
        new CallPolicy(
            0,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            4,
            32);
    RequestStats stats = new RequestStats();
    CoreVizClient client = client(capped, stats);

    for (int i = 0; i < 5; i++) {
      client.fetch(browse(), ItemReader.SKIP);
    }

    // 4 per second: the first goes at once, each next one waits a quarter second.
    assertThat(waits)
        .hasSize(4)
        .allSatisfy(wait -> assertThat(wait).isEqualTo(Duration.ofMillis(250)));
    assertThat(stats.throttledNanos.get()).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void anAsynchronousRetryWaitsWithoutAnyCallRunning() throws Exception {
    server.faults(first(1, FaultInjector.Reply.json(503, "{\"error\":\"busy\"}")));
    BlockingQueue<Runnable> due = new LinkedBlockingQueue<>();
    List<Duration> scheduled = new CopyOnWriteArrayList<>();
    Transport capturing =
        new Transport(
            http.http(),
            http.budget(),
            (task, delay) -> {
              scheduled.add(delay);
              due.add(task);
            },
            now::get,
            new java.util.SplittableRandom(1));
    CountDownLatch idle = new CountDownLatch(1);
    http.http().dispatcher().setIdleCallback(idle::countDown);
    RequestStats stats = new RequestStats();

    CompletableFuture<MediaPage<Void>> page =
        new CoreVizClient(
                server.baseUrl(), Credentials.apiKey(KEY), capturing, CallPolicy.DEFAULT, stats)
            .fetchAsync(browse(), ItemReader.SKIP);
    Runnable retry = due.poll(10, TimeUnit.SECONDS);

    assertThat(retry).as("the retry was scheduled").isNotNull();
    assertThat(idle.await(10, TimeUnit.SECONDS))
        .as("no call runs while the retry waits: OkHttp's threads are free")
        .isTrue();
    assertThat(page).isNotDone();
    retry.run();
    assertThat(page.get(10, TimeUnit.SECONDS).pagination().total())
        .isEqualTo(collection.items().size());
    assertThat(scheduled).hasSize(1);
    assertThat(stats.retries.get()).isEqualTo(1);
    assertThat(stats.requests.get()).isEqualTo(2);
  }

  @Test
  void aBodyThatStallsPastTheReadTimeoutIsRetried() {
    server.faults(first(1, FaultInjector.Reply.stallHalfway(Duration.ofSeconds(3))));
    CallPolicy impatient =
        new CallPolicy(
            5,
            Duration.ofMillis(200),
            Duration.ofSeconds(10),
            Duration.ofMinutes(2),
            Duration.ofSeconds(10),
            Duration.ofMillis(300),
            0,
            32);
    RequestStats stats = new RequestStats();

    MediaPage<Void> page = client(impatient, stats).fetch(browse(), ItemReader.SKIP);

    assertThat(page.pagination().total()).isEqualTo(collection.items().size());
    assertThat(stats.retries.get()).isEqualTo(1);
    assertThat(server.get().mediaRequests())
        .extracting(io.coreviz.emulator.RecordedRequest::status)
        .containsExactly(io.coreviz.emulator.RecordedRequest.STALLED, 200);
  }

  @Test
  void aBodyEndedByAClosedConnectionBeforeItsJsonIsRetriedNotTakenAsMalformed() throws Exception {
    String page = "{\"media\":[],\"pagination\":{\"total\":7,\"hasMore\":false}}";
    try (ServerSocket socket = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Thread answers =
          new Thread(
              () -> {
                // No Content-Length, no chunks: the body ends when the connection closes.
                for (String body : List.of(page.substring(0, 20), page)) {
                  try (Socket connection = socket.accept()) {
                    connection.getInputStream().read(new byte[4096]);
                    connection
                        .getOutputStream()
                        .write(
                            ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                    + "Connection: close\r\n\r\n"
                                    + body)
                                .getBytes(StandardCharsets.UTF_8));
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      answers.setDaemon(true);
      answers.start();
      RequestStats stats = new RequestStats();

      MediaPage<Void> result =
          new CoreVizClient(
                  "http://127.0.0.1:" + socket.getLocalPort(),
                  Credentials.apiKey(KEY),
                  http,
                  CallPolicy.DEFAULT,
                  stats)
              .fetch(browse(), ItemReader.SKIP);

      assertThat(result.pagination().total()).isEqualTo(7);
      assertThat(stats.retries.get()).isEqualTo(1);
    }
  }

  @Test
  void bytesReadAreCounted() {
    RequestStats stats = new RequestStats();

    client(CallPolicy.DEFAULT, stats).fetch(browse(), ItemReader.SKIP);

    assertThat(stats.bytesRead.get()).isGreaterThan(500);
  }
}
