package io.coreviz.spark.client;

import java.io.Serializable;
import java.time.Duration;

/**
 * How one read's requests behave on a shared HTTP client: timeouts, retries of 429/5xx and broken
 * connections (exponential backoff with equal jitter, {@code Retry-After} honoured, bounded in
 * count and total time), and a per-executor request-rate cap. Travels with each request as a tag.
 *
 * @param maxRetries retries after the first attempt
 * @param initialBackoff the first retry's backoff ceiling; doubled per retry up to {@code
 *     maxBackoff}
 * @param maxRetryTime the most time one request may spend, retries and waits included
 * @param maxRequestsPerSecond requests per second to the endpoint from this JVM; 0 for no cap
 * @param maxConcurrentRequestsPerExecutor the most requests in flight to the endpoint host from
 *     this JVM, all tasks together; the limit adapts below it when the host pushes back
 */
public record CallPolicy(
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryTime,
    Duration connectTimeout,
    Duration readTimeout,
    double maxRequestsPerSecond,
    int maxConcurrentRequestsPerExecutor)
    implements Serializable {

  public static final CallPolicy DEFAULT =
      new CallPolicy(
          5,
          Duration.ofMillis(200),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          0,
          32);

  /** The same policy without retries. */
  public CallPolicy withoutRetries() {
    return new CallPolicy(
        0,
        initialBackoff,
        maxBackoff,
        maxRetryTime,
        connectTimeout,
        readTimeout,
        maxRequestsPerSecond,
        maxConcurrentRequestsPerExecutor);
  }
}
