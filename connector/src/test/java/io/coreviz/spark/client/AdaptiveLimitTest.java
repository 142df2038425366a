package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {

  /** A caller that always has more to send: it keeps every slot the limit allows taken. */
  private static final class Busy {
    final AdaptiveLimit limit;
    final int ceiling;
    int held;

    Busy(AdaptiveLimit limit, int ceiling) {
      this.limit = limit;
      this.ceiling = ceiling;
    }

    void fill() throws InterruptedException {
      while (held < limit.current()) {
        limit.acquire(ceiling);
        held++;
      }
    }

    void releaseAll() {
      for (; held > 0; held--) {
        limit.release();
      }
    }

    void answer(boolean pushedBack, long sentAt) throws InterruptedException {
      fill();
      held--;
      limit.release(sentAt, pushedBack);
    }
  }

  @Test
  void startsAtTheCeilingAndHalvesOncePerRoundOfPushbacks() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(16);
    long before = System.nanoTime() - 1;
    for (int i = 0; i < 16; i++) {
      limit.acquire(16);
    }
    assertThat(limit.current()).isEqualTo(16);

    // Sixteen pushbacks to requests sent before the first halving: one halving.
    for (int i = 0; i < 16; i++) {
      limit.release(before, true);
    }
    assertThat(limit.current()).isEqualTo(8);

    limit.acquire(16);
    limit.release(System.nanoTime(), true);
    assertThat(limit.current()).isEqualTo(4);
  }

  @Test
  void growsByAboutOnePerRoundOnlyWhileEverySlotIsTaken() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(8);
    Busy busy = new Busy(limit, 8);
    busy.answer(true, System.nanoTime());
    busy.answer(true, System.nanoTime());
    assertThat(limit.current()).isEqualTo(2);
    busy.releaseAll();

    // One request at a time under a limit of two: the limit is not what holds anything back.
    for (int i = 0; i < 100; i++) {
      limit.acquire(8);
      limit.release(System.nanoTime(), false);
    }
    assertThat(limit.current()).as("grown while slots were spare").isEqualTo(2);

    // Every slot taken: two successes (most of a round of two) keep it at two, the third grows it.
    busy.answer(false, System.nanoTime());
    busy.answer(false, System.nanoTime());
    assertThat(limit.current()).isEqualTo(2);
    busy.answer(false, System.nanoTime());
    assertThat(limit.current()).isEqualTo(3);
  }

  @Test
  void staysBetweenOneAndTheCeiling() throws InterruptedException {
    AdaptiveLimit limit = new AdaptiveLimit(3);
    for (int i = 0; i < 10; i++) {
      limit.acquire(3);
      limit.release(System.nanoTime(), true);
    }
    assertThat(limit.current()).isEqualTo(1);

    Busy busy = new Busy(limit, 3);
    for (int i = 0; i < 100; i++) {
      busy.answer(false, System.nanoTime());
    }
    assertThat(limit.current()).isEqualTo(3);
    busy.releaseAll();

    busy = new Busy(limit, 2);
    busy.answer(false, System.nanoTime());
    assertThat(limit.current()).as("a lower configured ceiling").isEqualTo(2);
  }
}
