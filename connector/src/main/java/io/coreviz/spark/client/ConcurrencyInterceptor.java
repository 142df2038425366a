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
 * is held while a retry waits. Time spent waiting for a slot counts as throttled.
 */
final class ConcurrencyInterceptor implements Interceptor {

  private final Map<String, AdaptiveLimit> limits = new ConcurrentHashMap<>();

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallPolicy policy = request.tag(CallPolicy.class);
    int ceiling = (policy == null ? CallPolicy.DEFAULT : policy).maxConcurrentRequestsPerExecutor();
    AdaptiveLimit limit = limit(HttpClients.hostKey(request.url()), ceiling);
    RequestStats stats = request.tag(RequestStats.class);
    long waitFrom = System.nanoTime();
    boolean waited;
    try {
      waited = limit.acquire(ceiling);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a free request slot");
    }
    long sentAt = System.nanoTime();
    if (waited && stats != null) {
      stats.throttledNanos.addAndGet(sentAt - waitFrom);
    }
    Response response;
    try {
      response = chain.proceed(request);
    } catch (IOException | RuntimeException e) {
      limit.release();
      throw e;
    }
    limit.release(sentAt, response.code() == 429 || response.code() == 503);
    if (stats != null) {
      stats.concurrencyLimit.set(limit.current());
    }
    return response;
  }

  private AdaptiveLimit limit(String host, int ceiling) {
    return limits.computeIfAbsent(host, h -> new AdaptiveLimit(ceiling));
  }
}
