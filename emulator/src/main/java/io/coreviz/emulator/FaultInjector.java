package io.coreviz.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A hook that sees every request before it is served, to add latency or answer with an error.
 * Implementations must be thread-safe: the emulator serves requests concurrently.
 */
@FunctionalInterface
public interface FaultInjector {

  /**
   * Returns the reply to send instead of the real one, or {@code null} to serve the request
   * normally. May sleep to add latency.
   */
  Reply intercept(RecordedRequest request) throws InterruptedException;

  /**
   * A canned HTTP reply, or one of the network's faults: a connection dropped before the answer, a
   * body cut or stalled halfway, a server restart.
   */
  record Reply(int status, Map<String, String> headers, byte[] body) {

    public Reply {
      headers = Map.copyOf(headers);
    }

    /** Drops the connection without an answer, as a reset or a crashed proxy does. */
    public static Reply disconnect() {
      return new Reply(RecordedRequest.DISCONNECTED, Map.of(), new byte[0]);
    }

    /** Sends the headers and the first {@code bytes} of a body, then drops the connection. */
    public static Reply cutAfter(int bytes, byte[] body) {
      return new Reply(
          RecordedRequest.CUT,
          Map.of("Content-Type", "application/json", CUT_AFTER, String.valueOf(bytes)),
          body);
    }

    /**
     * Sends the real answer's status, headers ({@code Content-Length} included) and the first half
     * of its body, then drops the connection: a proxy restart or a load balancer's idle cut.
     */
    public static Reply cutHalfway() {
      return new Reply(RecordedRequest.CUT, Map.of(CUT_AFTER, HALF), null);
    }

    /**
     * Sends the real answer's status, headers and the first half of its body, then nothing for
     * {@code stall} (longer than a client's read timeout, it gives up first), then the rest.
     */
    public static Reply stallHalfway(Duration stall) {
      return new Reply(
          RecordedRequest.STALLED, Map.of(STALL_MS, String.valueOf(stall.toMillis())), null);
    }

    /**
     * Drops this request's connection and every other, stops listening for {@code down}, then
     * listens again on the same port, as a restarting server does: connections are refused
     * meanwhile. A restart asked for while the server is down is ignored.
     */
    public static Reply restart(Duration down) {
      return new Reply(
          RecordedRequest.RESTARTED, Map.of(DOWN_MS, String.valueOf(down.toMillis())), null);
    }

    /** True for the faults that send (part of) the real answer. */
    boolean modifiesAnswer() {
      return body == null;
    }

    static final String CUT_AFTER = "X-Cut-After";
    static final String STALL_MS = "X-Stall-Ms";
    static final String DOWN_MS = "X-Down-Ms";
    private static final String HALF = "half";

    public static Reply json(int status, String json) {
      return new Reply(
          status,
          Map.of("Content-Type", "application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  FaultInjector NONE = request -> null;

  /** Delays every media request by {@code delay}. */
  static FaultInjector latency(Duration delay) {
    return request -> {
      if (request.isMediaRequest()) {
        Thread.sleep(delay.toMillis());
      }
      return null;
    };
  }

  /**
   * Answers the first {@code times} requests that {@code which} selects with {@code reply}, and
   * lets every other through.
   */
  static FaultInjector first(int times, Predicate<RecordedRequest> which, Reply reply) {
    AtomicInteger count = new AtomicInteger();
    return request -> which.test(request) && count.incrementAndGet() <= times ? reply : null;
  }

  /** Answers every {@code n}-th media request (counting from the first) with {@code reply}. */
  static FaultInjector everyNth(int n, Reply reply) {
    AtomicInteger count = new AtomicInteger();
    return request -> request.isMediaRequest() && count.incrementAndGet() % n == 0 ? reply : null;
  }

  /** Answers media requests with {@code reply} with the given probability, from a seeded draw. */
  static FaultInjector randomly(double probability, long seed, Reply reply) {
    Random random = new Random(seed);
    return request -> {
      if (!request.isMediaRequest()) {
        return null;
      }
      synchronized (random) {
        return random.nextDouble() < probability ? reply : null;
      }
    };
  }

  /** A 429 with a {@code Retry-After} header. */
  static Reply tooManyRequests(int retryAfterSeconds) {
    return new Reply(
        429,
        Map.of(
            "Content-Type", "application/json", "Retry-After", String.valueOf(retryAfterSeconds)),
        "{\"error\":\"Too many requests\"}".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A service that takes {@code delay} per media request and answers 429 (without {@code
   * Retry-After}) to any that arrives while {@code capacity} others are being served: the
   * overloaded server adaptive clients must settle below. {@code inFlight} counts the requests
   * being served, for tests to watch.
   */
  static FaultInjector overloadedAbove(int capacity, Duration delay, AtomicInteger inFlight) {
    Reply busy = Reply.json(429, "{\"error\":\"Too many requests in flight\"}");
    return request -> {
      if (!request.isMediaRequest()) {
        return null;
      }
      if (inFlight.incrementAndGet() > capacity) {
        inFlight.decrementAndGet();
        return busy;
      }
      try {
        Thread.sleep(delay.toMillis());
      } finally {
        inFlight.decrementAndGet();
      }
      return null;
    };
  }

  /** Runs this injector, then {@code next} when this one lets the request through. */
  default FaultInjector andThen(FaultInjector next) {
    return request -> {
      Reply reply = intercept(request);
      return reply != null ? reply : next.intercept(request);
    };
  }
}
