package io.coreviz.spark.client;

/**
 * How many requests one JVM keeps in flight to one endpoint host, adapted to what the host can take
 * (additive increase, multiplicative decrease, as TCP does): it starts at the configured ceiling,
 * halves when the host pushes back (429 or 503) and grows by about one per round of successful
 * requests, never above the ceiling nor below one. One halving per round: pushbacks to requests
 * sent before the last halving are about the old limit and change nothing. It grows only while it
 * is what holds requests back (every slot taken): a success with slots to spare says nothing about
 * whether the host takes more, and a limit grown then would be far too high when demand returns.
 */
final class AdaptiveLimit {

  private double limit;
  private int ceiling;
  private int inFlight;
  private long lastDecrease = Long.MIN_VALUE;

  AdaptiveLimit(int ceiling) {
    this.ceiling = Math.max(1, ceiling);
    this.limit = this.ceiling;
  }

  /**
   * Waits for a free slot under the limit; {@code ceiling} is the caller's configured maximum.
   * Returns true when it had to wait.
   */
  synchronized boolean acquire(int ceiling) throws InterruptedException {
    if (ceiling != this.ceiling) {
      this.ceiling = Math.max(1, ceiling);
      limit = Math.min(limit, this.ceiling);
    }
    boolean waited = false;
    while (inFlight >= current()) {
      waited = true;
      wait();
    }
    inFlight++;
    return waited;
  }

  /**
   * Frees the slot of a request sent at {@code sentAt} (any monotonic clock) and learns from its
   * answer: a pushback halves the limit, a success with every slot taken grows it by 1/limit.
   */
  synchronized void release(long sentAt, boolean pushedBack) {
    boolean full = inFlight >= current();
    inFlight--;
    if (pushedBack) {
      if (sentAt > lastDecrease) {
        limit = Math.max(1, limit / 2);
        lastDecrease = System.nanoTime();
      }
    } else if (full) {
      limit = Math.min(ceiling, limit + 1 / limit);
    }
    notifyAll();
  }

  /** Frees a slot without learning anything (the request failed another way). */
  synchronized void release() {
    inFlight--;
    notifyAll();
  }

  /** The current limit, a whole number of requests. */
  synchronized int current() {
    return Math.max(1, (int) limit);
  }
}
