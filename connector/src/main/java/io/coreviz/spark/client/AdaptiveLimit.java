package io.coreviz.spark.client;

import java.util.HashMap;
import java.util.Map;

/**
 * How many requests one JVM keeps in flight to one endpoint host, adapted to what the host can take
 * (additive increase, multiplicative decrease, as TCP does): it starts at the configured ceiling,
 * halves when the host pushes back (429 or 503), shrinks by a quarter when its answers slow down
 * (requests queue there before they fail), and grows by about one per round of successful requests,
 * never above the ceiling nor below one. One halving per round: pushbacks to requests sent before
 * the last halving are about the old limit and change nothing. It grows only while it is what holds
 * requests back (every slot taken): a success with slots to spare says nothing about whether the
 * host takes more, and a limit grown then would be far too high when demand returns.
 */
final class AdaptiveLimit {

  /** Queueing below this is noise (a busy client, a GC pause), not a host that is full. */
  static final long QUEUEING_NANOS = 20_000_000L;

  private double limit;
  private final Map<String, Latency> latencies = new HashMap<>();
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

  /**
   * Frees the slot of a request of kind {@code kind} sent at {@code sentAt}, answered after {@code
   * latencyNanos}, and learns from its answer: as {@link #release(long, boolean)}, and where the
   * answers of its kind have slowed to more than twice the fastest seen (and by more than {@value
   * #QUEUEING_NANOS} ns), the host is queueing them: the limit shrinks by a quarter, once per
   * round. Requests of one kind ask for the same amount (e.g. pages of one size), so only queueing
   * changes their latency; a null kind learns nothing from latency.
   */
  synchronized void release(long sentAt, boolean pushedBack, String kind, long latencyNanos) {
    boolean queued =
        !pushedBack
            && kind != null
            && latencies.computeIfAbsent(kind, k -> new Latency()).queued(latencyNanos);
    if (queued && sentAt > lastDecrease) {
      inFlight--;
      limit = Math.max(1, limit * 0.75);
      lastDecrease = System.nanoTime();
      notifyAll();
      return;
    }
    release(sentAt, pushedBack);
  }

  /** One kind of request's latency: the fastest seen (slowly forgotten) and a moving average. */
  private static final class Latency {
    private double floor = Double.MAX_VALUE;
    private double average = -1;
    private int samples;

    boolean queued(long nanos) {
      // The floor rises by 1/512 per answer, so a host that became slower for good is learnt anew.
      floor = Math.min(nanos, floor * (1 + 1 / 512.0));
      average = average < 0 ? nanos : 0.8 * average + 0.2 * nanos;
      samples++;
      return samples >= 8 && average > 2 * floor && average - floor > QUEUEING_NANOS;
    }
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
