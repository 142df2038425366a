package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {

  private static final long MS = 1_000_000L;

  /** A caller that always has more to send: it keeps every slot the limit allows taken. */
  private static final class Busy {
    final AdaptiveLimit limit;
    final int ceiling;
    final Deque<AdaptiveLimit.Slot> held = new ArrayDeque<>();

    Busy(AdaptiveLimit limit, int ceiling) {
      this.limit = limit;
      this.ceiling = ceiling;
    }

    void fill() {
      AdaptiveLimit.Slot slot;
      while ((slot = limit.tryAcquire(ceiling)) != null) {
        held.add(slot);
      }
    }

    void releaseAll() {
      while (!held.isEmpty()) {
        limit.release(held.poll());
      }
    }

    /** The oldest request is answered; latency is not learnt from (no kind). */
    void answer(boolean pushedBack) {
      fill();
      limit.release(held.poll(), pushedBack, null, 0);
    }
  }

  /**
   * A closed loop in simulated time: a caller that wants {@code demand} requests in flight, and a
   * host with {@code workers} that serve each request in {@code service} nanoseconds, first come
   * first served, plus a delay that takes no worker ({@code delay}, by the answer's number).
   * Returns the learnt limit after each answer.
   */
  private static int[] simulate(
      AdaptiveLimit limit,
      int ceiling,
      int demand,
      int workers,
      long service,
      LongUnaryOperator delay,
      int answers) {
    record InFlight(long doneAt, long sentAt, AdaptiveLimit.Slot slot) {}
    PriorityQueue<InFlight> inFlight =
        new PriorityQueue<>((a, b) -> Long.compare(a.doneAt, b.doneAt));
    long[] workerFree = new long[workers];
    int[] learnt = new int[answers];
    long now = 0;
    for (int answered = 0; answered < answers; answered++) {
      AdaptiveLimit.Slot slot;
      while (inFlight.size() < demand && (slot = limit.tryAcquire(ceiling)) != null) {
        int worker = 0;
        for (int w = 1; w < workers; w++) {
          worker = workerFree[w] < workerFree[worker] ? w : worker;
        }
        long start = Math.max(now, workerFree[worker]);
        workerFree[worker] = start + service;
        inFlight.add(new InFlight(start + service + delay.applyAsLong(answered), now, slot));
      }
      InFlight done = inFlight.poll();
      now = done.doneAt;
      limit.release(done.slot, false, "/media?limit~64", now - done.sentAt);
      learnt[answered] = limit.learnt();
    }
    return learnt;
  }

  @Test
  void startsAtTheCeilingAndHalvesOncePerRoundOfPushbacks() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(16);
    Deque<AdaptiveLimit.Slot> sent = new ArrayDeque<>();
    for (int i = 0; i < 16; i++) {
      sent.add(limit.acquire(16));
    }
    assertThat(limit.current()).isEqualTo(16);

    // Sixteen pushbacks to requests sent before the first halving: one halving.
    while (!sent.isEmpty()) {
      limit.release(sent.poll(), true, null, 0);
    }
    assertThat(limit.current()).isEqualTo(8);

    limit.release(limit.acquire(16), true, null, 0);
    assertThat(limit.current()).isEqualTo(4);
  }

  @Test
  void growsByAboutOnePerRoundOnlyWhileEverySlotIsTaken() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(8);
    Busy busy = new Busy(limit, 8);
    busy.answer(true);
    busy.releaseAll();
    busy.answer(true);
    assertThat(limit.current()).isEqualTo(2);
    busy.releaseAll();

    // One request at a time under a limit of two: the limit is not what holds anything back.
    for (int i = 0; i < 100; i++) {
      limit.release(limit.acquire(8), false, null, 0);
    }
    assertThat(limit.current()).as("grown while slots were spare").isEqualTo(2);

    // Every slot taken: two successes (most of a round of two) keep it at two, the third grows it.
    busy.answer(false);
    busy.answer(false);
    assertThat(limit.current()).isEqualTo(2);
    busy.answer(false);
    assertThat(limit.current()).isEqualTo(3);
  }

  @Test
  void staysBetweenOneAndTheCeiling() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(3);
    for (int i = 0; i < 10; i++) {
      limit.release(limit.acquire(3), true, null, 0);
    }
    assertThat(limit.current()).isEqualTo(1);

    Busy busy = new Busy(limit, 3);
    for (int i = 0; i < 100; i++) {
      busy.answer(false);
    }
    assertThat(limit.current()).isEqualTo(3);
    busy.releaseAll();

    busy = new Busy(limit, 2);
    busy.answer(false);
    assertThat(limit.current()).as("a lower configured ceiling").isEqualTo(2);
  }

  @Test
  void aBurstIsMeasuredAtTheRequestsInFlightItWasAnsweredWith() {
    AdaptiveLimit limit = new AdaptiveLimit(32);
    // Two tasks start: 16 requests go out at once, taking slots with 1 to 16 in flight, and the
    // first 8 answers come back while the rest are still in flight (16 down to 9).
    List<AdaptiveLimit.Slot> burst = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      burst.add(limit.tryAcquire(32));
    }
    for (AdaptiveLimit.Slot slot : burst.subList(0, 8)) {
      limit.release(slot, false, "/media?limit~64", 50 * MS);
    }

    // The first round of a kind probes at half the requests in flight: half of the 12.5 these
    // answers came back with, not of the 4.5 their slots were taken with (a probe at 2 in flight
    // took four round trips to gather its 8 answers, and a first read ran at 2 for them).
    assertThat(limit.current()).isEqualTo(6);
  }

  @Test
  void aHostThatQueuesBeyondFourWorkersIsSentAboutFourAtOnce() {
    AdaptiveLimit limit = new AdaptiveLimit(32);
    int[] learnt = simulate(limit, 32, 64, 4, 40 * MS, n -> 0, 2_000);

    // Without queueing the host answers in 40 ms; 32 in flight wait 320 ms for nothing. The limit
    // rises until a probe finds answers a quarter slower than at half of them, and is cut back to
    // about four; it spends a round at the old limit to check the cut. Twice the workers on
    // average: answers wait about as long again as they take.
    double mean = 0;
    for (int i = 1_000; i < learnt.length; i++) {
      assertThat(learnt[i]).as("the limit after %d answers", i).isBetween(4, 10);
      mean += learnt[i] / 1_000.0;
    }
    assertThat(mean).as("the mean limit over the last 1,000 answers").isBetween(4.0, 8.0);
  }

  @Test
  void aHostThatIsSlowerForEverybodyKeepsTheLimit() {
    // Enough workers for every request; answers take 1 ms, then 50 ms from the 300th on (a slower
    // region, a heavier page): the same number in flight are answered as slowly at half of them.
    AdaptiveLimit limit = new AdaptiveLimit(16);
    int[] learnt = simulate(limit, 16, 16, 64, 0, n -> n < 300 ? MS : 50 * MS, 1_000);

    assertThat(learnt).as("the limit after each answer").containsOnly(16);
  }

  @Test
  void aHostThatBecomesSlowerDuringAProbeKeepsTheLimit() {
    // The step from 1 to 50 ms falls at each point of the first probe's two rounds in turn. Where
    // it falls between them, the second is slower than the first whatever the requests in flight;
    // the probe that must confirm a queue finds answers as slow at half of them.
    for (int step = 8; step <= 60; step += 4) {
      int at = step;
      int[] learnt =
          simulate(new AdaptiveLimit(16), 16, 16, 64, 0, n -> n < at ? MS : 50 * MS, 1_000);
      assertThat(learnt)
          .as("the limit after each answer, the step at answer %d", at)
          .containsOnly(16);
    }
  }

  @Test
  void pausesAreNotQueueing() {
    // Answers take 80 ms whatever the requests in flight, but every so often the host (or this
    // JVM) pauses, and a run of answers comes 40 ms late: slow rounds that fewer requests in
    // flight would not have made faster. A cut is checked at once and undone.
    for (int every = 60; every <= 120; every += 6) {
      int period = every;
      int[] learnt =
          simulate(
              new AdaptiveLimit(32),
              32,
              16,
              64,
              0,
              n -> n % period < 10 ? 120 * MS : 80 * MS,
              1_000);
      int low = 0;
      for (int limit : learnt) {
        low += limit < 16 ? 1 : 0;
      }
      assertThat(low)
          .as("answers under a limit of 16, a pause every %d answers", period)
          .isLessThan(100);
      assertThat(learnt[learnt.length - 1])
          .as("the last limit, a pause every %d", period)
          .isEqualTo(32);
    }
  }

  @Test
  void jitterBelowTenMillisecondsIsNotQueueing() {
    // Sixteen workers, 20 ms of service, 32 wanted in flight: 40 ms answers at 32, 20 ms at 16.
    // A queue is acted on from 10 ms (24 in flight); the limit rises a little further while a
    // probe checks it.
    AdaptiveLimit queueing = new AdaptiveLimit(32);
    int[] learnt = simulate(queueing, 32, 32, 16, 20 * MS, n -> 0, 2_000);
    double mean = 0;
    for (int i = 1_000; i < learnt.length; i++) {
      assertThat(learnt[i]).as("the limit after %d answers, a queue of 20 ms", i).isBetween(16, 30);
      mean += learnt[i] / 1_000.0;
    }
    assertThat(mean).as("the mean limit over the last 1,000 answers").isBetween(16.0, 26.0);

    AdaptiveLimit noisy = new AdaptiveLimit(32);
    // Answers that vary between 0 and 8 ms whatever the requests in flight: no queue.
    learnt = simulate(noisy, 32, 32, 64, 0, n -> (n * 7919 % 9) * MS, 1_000);
    assertThat(learnt).as("answers between 0 and 8 ms, no queue").containsOnly(32);
  }

  @Test
  void answersThatVaryWithoutQueueingKeepTheLimit() {
    // A real API: answers take between 100 and 300 ms, whatever the requests in flight.
    java.util.Random random = new java.util.Random(17);
    long[] delays = new long[5_000];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = (100 + random.nextInt(201)) * MS;
    }
    AdaptiveLimit limit = new AdaptiveLimit(32);
    int[] learnt = simulate(limit, 32, 32, 64, 0, n -> delays[(int) n], delays.length);

    assertThat(learnt).as("the limit after each answer").containsOnly(32);
  }
}
