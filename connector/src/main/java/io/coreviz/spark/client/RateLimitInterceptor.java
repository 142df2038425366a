package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Caps requests per second to each endpoint host from this JVM (an executor), whatever the number
 * of tasks: each request reserves the next free slot and waits for it. Every attempt of a retried
 * request counts.
 */
final class RateLimitInterceptor implements Interceptor {

  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final Map<String, long[]> nextFree = new ConcurrentHashMap<>();

  RateLimitInterceptor(Sleeper sleeper, LongSupplier nanoTime) {
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallPolicy policy = request.tag(CallPolicy.class);
    if (policy != null && policy.maxRequestsPerSecond() > 0) {
      long wait = reserve(HttpClients.hostKey(request.url()), policy);
      if (wait > 0) {
        RequestStats stats = request.tag(RequestStats.class);
        if (stats != null) {
          stats.throttledNanos.addAndGet(wait);
        }
        try {
          sleeper.sleep(Duration.ofNanos(wait));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while rate limited");
        }
      }
    }
    return chain.proceed(request);
  }

  /** Reserves the next slot for {@code host}; returns how long to wait for it, in nanoseconds. */
  private long reserve(String host, CallPolicy policy) {
    long interval = (long) (1_000_000_000L / policy.maxRequestsPerSecond());
    long[] slot = nextFree.computeIfAbsent(host, h -> new long[] {Long.MIN_VALUE});
    synchronized (slot) {
      long now = nanoTime.getAsLong();
      long start = slot[0] == Long.MIN_VALUE ? now : Math.max(now, slot[0]);
      slot[0] = start + interval;
      return start - now;
    }
  }
}
