package io.coreviz.spark.client;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one reader's HTTP traffic, filled in by the client's interceptors (the request
 * carries it as a tag) and reported as Spark task metrics.
 */
public final class RequestStats {

  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong retries = new AtomicLong();
  public final AtomicLong rateLimited = new AtomicLong();
  public final AtomicLong throttledNanos = new AtomicLong();
  public final AtomicLong bytesRead = new AtomicLong();

  /** The executor's adaptive limit of requests in flight to the endpoint, last seen; 0 before. */
  public final AtomicLong concurrencyLimit = new AtomicLong();
}
