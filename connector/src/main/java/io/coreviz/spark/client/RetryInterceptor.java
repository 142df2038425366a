package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries what may succeed later: 429, 5xx (but 501 and 505) and I/O failures (resets, timeouts).
 * Backoff is exponential with full jitter; a {@code Retry-After} (seconds or an HTTP date) is
 * waited for instead when it is longer. Gives up after {@link CallPolicy#maxRetries()} retries or
 * when the next wait would pass {@link CallPolicy#maxRetryTime()}: then the last response comes
 * back marked with {@value #ATTEMPTS} (or the last I/O error is thrown, saying how many attempts
 * were made), so the error message can say so.
 */
final class RetryInterceptor implements Interceptor {

  static final String ATTEMPTS = "X-CoreViz-Attempts";
  private static final Logger LOG = LoggerFactory.getLogger(RetryInterceptor.class);

  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final RandomGenerator random;

  RetryInterceptor(Sleeper sleeper, LongSupplier nanoTime, RandomGenerator random) {
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
    this.random = random;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    CallPolicy policy = tagOr(request.tag(CallPolicy.class), CallPolicy.DEFAULT);
    RequestStats stats = tagOr(request.tag(RequestStats.class), new RequestStats());
    Chain timed =
        chain
            .withConnectTimeout((int) policy.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
            .withReadTimeout((int) policy.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
    long deadline = nanoTime.getAsLong() + policy.maxRetryTime().toNanos();
    for (int attempt = 1; ; attempt++) {
      Response response = null;
      IOException failure = null;
      try {
        response = timed.proceed(request);
      } catch (IOException e) {
        if (chain.call().isCanceled()) {
          throw e;
        }
        failure = e;
      }
      stats.requests.incrementAndGet();
      if (response != null && !retryable(response.code())) {
        return response;
      }
      boolean throttled = response != null && response.code() == 429;
      if (throttled) {
        stats.rateLimited.incrementAndGet();
      }
      Duration wait = backoff(policy, attempt, response);
      boolean exhausted =
          attempt > policy.maxRetries() || nanoTime.getAsLong() + wait.toNanos() > deadline;
      if (exhausted) {
        if (failure != null) {
          throw new RetriesExhaustedException(attempt, failure);
        }
        return response.newBuilder().header(ATTEMPTS, String.valueOf(attempt)).build();
      }
      LOG.warn(
          "Retrying GET {} in {} ms after {} (attempt {} of {})",
          LoggingInterceptor.describe(request.url()),
          wait.toMillis(),
          failure != null ? failure.toString() : "HTTP " + response.code(),
          attempt,
          policy.maxRetries() + 1);
      if (response != null) {
        response.close();
      }
      stats.retries.incrementAndGet();
      if (throttled) {
        stats.throttledNanos.addAndGet(wait.toNanos());
      }
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to retry");
      }
    }
  }

  static boolean retryable(int status) {
    return status == 429 || (status >= 500 && status != 501 && status != 505);
  }

  /** Full jitter over the exponential ceiling, or the server's Retry-After when that is longer. */
  private Duration backoff(CallPolicy policy, int attempt, Response response) {
    long ceiling =
        Math.min(
            policy.maxBackoff().toNanos(),
            policy.initialBackoff().toNanos() << Math.min(attempt - 1, 30));
    Duration jittered = Duration.ofNanos(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
    Duration retryAfter = response == null ? null : retryAfter(response.header("Retry-After"));
    return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
  }

  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      try {
        Instant at = DateTimeFormatter.RFC_1123_DATE_TIME.parse(header.trim(), Instant::from);
        Duration wait = Duration.between(Instant.now(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  private static <T> T tagOr(T tag, T fallback) {
    return tag == null ? fallback : tag;
  }

  /** The last I/O failure of a request that was retried as often as its policy allows. */
  static final class RetriesExhaustedException extends IOException {
    private static final long serialVersionUID = 1L;

    final int attempts;

    RetriesExhaustedException(int attempts, IOException last) {
      super(last.getMessage() + " (after " + attempts + " attempts)", last);
      this.attempts = attempts;
    }
  }
}
