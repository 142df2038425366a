package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;

/**
 * The budget hands out a host's slots first come first served, makes the rest wait without a
 * thread, and paces them: counted here with a fake clock and a scheduler that only records.
 */
class RequestBudgetTest {

  private static final HttpUrl HOST = HttpUrl.get("http://10.1.2.3:8080/api/dataset/c/media");
  private final AtomicLong now = new AtomicLong();
  private final List<Duration> scheduled = new ArrayList<>();
  private final List<Runnable> due = new ArrayList<>();
  private final RequestBudget budget =
      new RequestBudget(
          (task, delay) -> {
            scheduled.add(delay);
            due.add(task);
          },
          now::get);

  private static CallPolicy policy(int ceiling, double perSecond) {
    CallPolicy d = CallPolicy.DEFAULT;
    return new CallPolicy(
        d.maxRetries(),
        d.initialBackoff(),
        d.maxBackoff(),
        d.maxRetryTime(),
        d.connectTimeout(),
        d.readTimeout(),
        perSecond,
        ceiling);
  }

  @Test
  void slotsAreHandedOutFirstComeFirstServedAndWaitersHoldNoThread() {
    CallPolicy two = policy(2, 0);
    List<CompletableFuture<RequestBudget.Permit>> asked = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      asked.add(budget.acquire(HOST, two));
    }

    assertThat(asked)
        .extracting(CompletableFuture::isDone)
        .containsExactly(true, true, false, false);
    assertThat(budget.inFlight("10.1.2.3:8080")).isEqualTo(2);

    now.addAndGet(5_000_000);
    asked.get(0).join().answered(200);
    assertThat(asked)
        .extracting(CompletableFuture::isDone)
        .containsExactly(true, true, true, false);
    assertThat(asked.get(2).join().waited()).isEqualTo(5_000_000);

    asked.get(1).join().failed();
    asked.get(1).join().failed(); // given back once only
    assertThat(asked.get(3)).isDone();
    assertThat(budget.inFlight("10.1.2.3:8080")).isEqualTo(2);
  }

  @Test
  void aWaiterThatGivesUpTakesNoSlot() {
    CallPolicy one = policy(1, 0);
    RequestBudget.Permit first = budget.acquire(HOST, one).join();
    CompletableFuture<RequestBudget.Permit> gaveUp = budget.acquire(HOST, one);
    CompletableFuture<RequestBudget.Permit> next = budget.acquire(HOST, one);

    gaveUp.cancel(false);
    first.answered(200);

    assertThat(next).isDone();
    assertThat(budget.inFlight("10.1.2.3:8080")).isEqualTo(1);
  }

  @Test
  void theRateCapSpacesSendsAndCountsTheWait() {
    CallPolicy fourPerSecond = policy(32, 4);
    List<CompletableFuture<RequestBudget.Permit>> asked = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      asked.add(budget.acquire(HOST, fourPerSecond));
    }

    assertThat(asked.get(0)).isDone();
    assertThat(scheduled).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(asked.get(1)).isNotDone();
    due.forEach(Runnable::run);
    assertThat(asked.get(1).join().waited()).isEqualTo(Duration.ofMillis(250).toNanos());
    assertThat(asked.get(2).join().waited()).isEqualTo(Duration.ofMillis(500).toNanos());
  }

  @Test
  void pushbackHalvesTheHostsSlots() {
    CallPolicy eight = policy(8, 0);
    RequestBudget.Permit permit = budget.acquire(HOST, eight).join();
    permit.sent();

    permit.answered(429);

    assertThat(budget.limit("10.1.2.3:8080")).isEqualTo(4);
    assertThat(budget.inFlight("10.1.2.3:8080")).isZero();
  }
}
