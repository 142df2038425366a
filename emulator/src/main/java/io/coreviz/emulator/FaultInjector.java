package io.coreviz.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

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

  /** A canned HTTP reply. */
  record Reply(int status, Map<String, String> headers, byte[] body) {

    public Reply {
      headers = Map.copyOf(headers);
    }

    /** Drops the connection without an answer, as a reset or a crashed proxy does. */
    public static Reply disconnect() {
      return new Reply(DISCONNECT, Map.of(), new byte[0]);
    }

    /** Sends the headers and the first {@code bytes} of a body, then drops the connection. */
    public static Reply cutAfter(int bytes, byte[] body) {
      return new Reply(
          CUT,
          Map.of("Content-Type", "application/json", "X-Cut-After", String.valueOf(bytes)),
          body);
    }

    static final int DISCONNECT = -1;
    static final int CUT = -2;

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
