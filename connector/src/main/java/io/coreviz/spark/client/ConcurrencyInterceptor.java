package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Caps the requests in flight from this JVM (an executor) to each endpoint host, across all its
 * tasks and CLIP's downloads, at an {@link AdaptiveLimit} under the call policy's {@code
 * maxConcurrentRequestsPerExecutor}. Each attempt of a retried request takes its own slot, and none
 * is held while a retry waits. Time spent waiting for a slot counts as throttled. Answers teach the
 * limit: pushbacks, and the latency of media requests by {@link #kind}.
 */
final class ConcurrencyInterceptor implements Interceptor {

  /** The most items planning's probes ask for. */
  private static final int LARGEST_PROBE = 2;

  private final Map<String, AdaptiveLimit> limits = new ConcurrentHashMap<>();

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallPolicy policy = request.tag(CallPolicy.class);
    int ceiling = (policy == null ? CallPolicy.DEFAULT : policy).maxConcurrentRequestsPerExecutor();
    AdaptiveLimit limit = limit(HttpClients.hostKey(request.url()), ceiling);
    RequestStats stats = request.tag(RequestStats.class);
    AdaptiveLimit.Slot slot = limit.tryAcquire(ceiling);
    if (slot == null) {
      long waitFrom = System.nanoTime();
      try {
        slot = limit.acquire(ceiling);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for a free request slot");
      }
      if (stats != null) {
        stats.throttledNanos.addAndGet(System.nanoTime() - waitFrom);
      }
    }
    long sentAt = System.nanoTime();
    Response response;
    try {
      response = chain.proceed(request);
    } catch (IOException | RuntimeException e) {
      limit.release(slot);
      throw e;
    }
    limit.release(
        slot,
        response.code() == 429 || response.code() == 503,
        kind(request),
        System.nanoTime() - sentAt);
    if (stats != null) {
      stats.concurrencyLimit.set(limit.learnt());
    }
    return response;
  }

  /**
   * Requests that ask the host for the same work, whose latency moves only when the host is slower
   * or queues them: media requests by path and page size (to the next power of two); null for
   * others (a blob's download time varies with the blob) and for planning's probes.
   *
   * <p>Probes (one or two items: a count, a bound, a check) come in a few short rounds, too few for
   * a probe of the limit at half the requests in flight to finish: one started by them would still
   * hold back the next plan's rounds to the same host, a round trip each.
   */
  static String kind(Request request) {
    String size = request.url().queryParameter("limit");
    if (size == null) {
      return null;
    }
    try {
      int limit = Integer.parseInt(size);
      return limit <= LARGEST_PROBE
          ? null
          : request.url().encodedPath() + "?limit~" + Integer.highestOneBit(limit);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private AdaptiveLimit limit(String host, int ceiling) {
    return limits.computeIfAbsent(host, h -> new AdaptiveLimit(ceiling));
  }
}
