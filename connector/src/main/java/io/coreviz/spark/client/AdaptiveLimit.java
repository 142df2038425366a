package io.coreviz.spark.client;

import java.util.HashMap;
import java.util.Map;

/**
 * How many requests one JVM keeps in flight to one endpoint host, adapted to what the host can take
 * (additive increase, multiplicative decrease, as TCP does): it starts at the configured ceiling,
 * halves when the host pushes back (429 or 503), shrinks when the host queues requests, and grows
 * by about one per round of successful requests, never above the ceiling nor below one.
 *
 * <p>One halving per round: pushbacks to requests sent before the last decrease are about the old
 * limit and change nothing. It grows only while it is what holds requests back (every slot taken):
 * a success with slots to spare says nothing about whether the host takes more, and a limit grown
 * then would be far too high when demand returns.
 *
 * <p>Queueing: slower answers alone cannot tell a host that queues our requests from one that is
 * slower for everybody (a new region, a heavier page), and shrinking on the latter only slows the
 * scan. So answers slower than the host's without a queue (by a quarter and {@value
 * #QUEUEING_NANOS} ns) only raise a suspicion, and a <em>probe</em> settles it, much as BBR's
 * ProbeRTT does: one round at half the requests in flight, then one at the whole limit. A host that
 * queues answers the first faster (Little's law: with {@code n} in flight answered in {@code t},
 * and {@code t0} at half of them, it serves about {@code n * t0 / t} without queueing) and the
 * limit drops to a quarter above that, at most halving; a host that is slower for good answers both
 * as slowly, and the limit stays. One slow round can be a pause (a GC in the host or here) or a
 * step in latency that fell between the probe's rounds, so a first queue must be confirmed by a
 * second probe; and after each cut, one round at the old limit checks it: answers there no slower
 * than without a queue undo the cut. The first round of each kind probes too, to learn the latency
 * without queueing. Latency is compared only within one kind of request (the caller says which,
 * e.g. pages of one size), since a one-item probe and a full page differ for reasons that are not
 * queueing; and only over enough answers ({@value #ANSWERS}), to requests sent after the round
 * began.
 */
final class AdaptiveLimit {

  /** Queueing shorter than this is noise (a busy client, a GC pause), not a host that is full. */
  static final long QUEUEING_NANOS = 10_000_000L;

  /** The fewest answers of a kind a round or a probe averages: fewer are too noisy to act on. */
  static final int ANSWERS = 8;

  /** The fewest requests in flight worth probing at half: below, queueing costs little. */
  static final int PROBED = 4;

  /** A taken slot: its place in the order slots were taken and the requests in flight with it. */
  record Slot(long seq, int level) {}

  private double limit;
  private int ceiling;
  private int inFlight;
  private long taken;
  private long lastDecrease;

  /** Per kind of request, its latency without queueing as the last probe found it. */
  private final Map<String, Double> unqueued = new HashMap<>();

  private Answers round = new Answers(0);
  private Probe probe;
  private boolean confirming;

  /** Whether a probe found the host queueing (confirmed, and not undone since). */
  private boolean queues;

  /** The limit before the last cut for queueing, until a probe has checked the cut; else 0. */
  private int cutFrom;

  AdaptiveLimit(int ceiling) {
    this.ceiling = Math.max(1, ceiling);
    this.limit = this.ceiling;
  }

  /** Waits for a free slot under the limit; {@code ceiling} is the caller's configured maximum. */
  synchronized Slot acquire(int ceiling) throws InterruptedException {
    Slot slot;
    while ((slot = tryAcquire(ceiling)) == null) {
      wait();
    }
    return slot;
  }

  /** A free slot under the limit, or null when every slot is taken. */
  synchronized Slot tryAcquire(int ceiling) {
    if (ceiling != this.ceiling) {
      this.ceiling = Math.max(1, ceiling);
      limit = Math.min(limit, this.ceiling);
    }
    if (inFlight >= current()) {
      return null;
    }
    inFlight++;
    return new Slot(taken++, inFlight);
  }

  /**
   * Frees a slot and learns from its answer: a pushback halves the limit; a success with every slot
   * taken grows it by 1/limit; the latency of an answer of kind {@code kind} (null: learn nothing
   * from it) feeds the queueing check.
   */
  synchronized void release(Slot slot, boolean pushedBack, String kind, long latencyNanos) {
    boolean full = inFlight >= current();
    inFlight--;
    if (pushedBack) {
      probe = null;
      confirming = false;
      cutFrom = 0;
      if (slot.seq() >= lastDecrease) {
        decrease(limit / 2);
      }
    } else {
      if (full && probe == null) {
        limit = Math.min(ceiling, limit + 1 / limit);
      }
      if (kind != null) {
        // The requests in flight it was answered with: where a burst went out at once, its first
        // slots were taken with few in flight, but every one of them was answered with the burst.
        learn(slot.seq(), Math.max(slot.level(), inFlight + 1), kind, latencyNanos);
      }
    }
    notifyAll();
  }

  /** Frees a slot without learning anything (the request failed another way). */
  synchronized void release(Slot slot) {
    inFlight--;
    notifyAll();
  }

  /** The requests allowed in flight now, a probe's rounds included. */
  synchronized int current() {
    int learnt = learnt();
    if (probe == null) {
      return learnt;
    }
    return probe.full == null
        ? Math.min(learnt, probe.level)
        : Math.max(learnt, Math.min(ceiling, probe.upTo));
  }

  /** The slots taken now. */
  synchronized int inFlight() {
    return inFlight;
  }

  /** The limit learnt from the host's answers, a whole number of requests. */
  synchronized int learnt() {
    return Math.max(1, (int) limit);
  }

  private void decrease(double to) {
    limit = Math.max(1, Math.min(limit, to));
    lastDecrease = taken;
  }

  private void learn(long seq, int level, String kind, long nanos) {
    if (probe == null) {
      if (seq >= round.from) {
        round.add(kind, nanos, level);
        if (round.count(kind) >= ANSWERS) {
          endRound();
        }
      }
    } else if (probe.full == null) {
      if (seq >= probe.half.from) {
        probe.half.add(kind, nanos, level);
        if (probe.done(probe.half)) {
          // Back to the whole limit, to compare: from the requests sent once a limit's worth
          // have gone out again, when as many are in flight as before the probe.
          probe.full = new Answers(taken + current());
        }
      }
    } else if (seq >= probe.full.from) {
      probe.full.add(kind, nanos, level);
      if (probe.done(probe.full)) {
        endProbe();
      }
    }
  }

  /**
   * A round holds the answers to requests sent after it began (under the limit as it is), and ends
   * with enough of one kind. Answers slower than without a queue start a probe; so does the first
   * round after a cut, to check it.
   */
  private void endRound() {
    Answers ended = round;
    round = new Answers(taken);
    String kind = ended.mostCommonKind();
    double latency = ended.latency(kind);
    double level = ended.level();
    Double before = unqueued.get(kind);
    if (cutFrom > 0) {
      probe = new Probe(taken, learnt(), kind, cutFrom);
    } else if (slower(latency, before) && level >= PROBED) {
      probe = new Probe(taken, Math.max(1, (int) (level / 2)), kind, 0);
    } else if (before == null) {
      unqueued.put(kind, latency);
    }
  }

  /** Whether answers in {@code latency} are slower than {@code unqueued} by a queue's worth. */
  private static boolean slower(double latency, Double unqueued) {
    return unqueued == null || (latency > 1.25 * unqueued && latency - unqueued > QUEUEING_NANOS);
  }

  /**
   * Compares the probe's round at fewer requests in flight with the round at more after it. Not
   * with the round that started the probe: that one was picked for being slow, and chance alone
   * would make the next look faster.
   */
  private void endProbe() {
    Probe ended = probe;
    probe = null;
    round = new Answers(taken);
    double more = ended.full.latency(ended.kind);
    if (ended.upTo > 0) {
      // The check of a cut: answers at the limit before it no slower than without a queue say the
      // cut was a mistake (a pause, a step that fell between a probe's rounds).
      cutFrom = 0;
      if (!Double.isNaN(more) && !slower(more, unqueued.get(ended.kind))) {
        limit = Math.max(limit, ended.upTo);
        queues = false;
      }
      return;
    }
    double fewer = ended.half.latency(ended.kind);
    if (Double.isNaN(fewer) || Double.isNaN(more)) {
      return; // the demand moved to other kinds of request: nothing learnt
    }
    double level = ended.full.level();
    double served = level * fewer / more;
    boolean queued = more - fewer > QUEUEING_NANOS && served < 0.8 * level;
    unqueued.put(ended.kind, fewer);
    if (queued && !confirming && !queues) {
      confirming = true; // one slow round may be a pause or a step: a second probe must agree
      probe = new Probe(taken, ended.level, ended.kind, 0);
      return;
    }
    confirming = false;
    if (queued) {
      queues = true;
      cutFrom = learnt();
      decrease(Math.max(level / 2, 1.25 * served));
    }
  }

  /** Answers, by kind: how many, how long they took, and how many requests were in flight. */
  private static final class Answers {
    final long from;

    private final Map<String, double[]> byKind = new HashMap<>();
    private double levels;
    private int count;

    Answers(long from) {
      this.from = from;
    }

    void add(String kind, long nanos, int level) {
      double[] sums = byKind.computeIfAbsent(kind, k -> new double[2]);
      sums[0]++;
      sums[1] += nanos;
      levels += level;
      count++;
    }

    int count(String kind) {
      double[] sums = byKind.get(kind);
      return sums == null ? 0 : (int) sums[0];
    }

    String mostCommonKind() {
      return byKind.entrySet().stream()
          .max((a, b) -> Double.compare(a.getValue()[0], b.getValue()[0]))
          .map(Map.Entry::getKey)
          .orElseThrow();
    }

    double latency(String kind) {
      double[] sums = byKind.get(kind);
      return sums == null ? Double.NaN : sums[1] / sums[0];
    }

    double level() {
      return levels / count;
    }

    int count() {
      return count;
    }
  }

  /**
   * One round at {@code level} requests in flight (at most), from slot {@code from} on, then one at
   * the whole limit, each of enough answers of kind {@code kind}; or, to check a cut ({@code upTo}
   * above 0), only the round at {@code upTo}, with no round at fewer ({@code half} null).
   */
  private static final class Probe {
    final int level;
    final String kind;
    final int upTo;
    final Answers half;
    Answers full;

    Probe(long from, int level, String kind, int upTo) {
      this.level = level;
      this.kind = kind;
      this.upTo = upTo;
      this.half = upTo > 0 ? null : new Answers(from);
      this.full = upTo > 0 ? new Answers(from + upTo) : null;
    }

    /** A round's worth of its kind's answers, or four rounds' of any (the demand moved on). */
    boolean done(Answers answers) {
      int round = Math.max(ANSWERS, level);
      return answers.count(kind) >= round || answers.count() >= 4 * round;
    }
  }
}
