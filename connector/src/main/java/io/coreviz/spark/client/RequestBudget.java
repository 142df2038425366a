package io.coreviz.spark.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import okhttp3.HttpUrl;

/**
 * The one place that decides when a request goes out: how many this JVM (an executor, or the
 * driver) has in flight to each host, and how fast it sends them. Every attempt of every request
 * the connector sends (pages, planning's probes, a stream's newest items, blob downloads) takes a
 * slot of its host's budget before it is sent and gives it back when its answer's headers arrive or
 * it fails. The slots are an {@link AdaptiveLimit} under the call policy's {@code
 * maxConcurrentRequestsPerExecutor}; the pace is its {@code maxRequestsPerSecond}. A request that
 * must wait holds no thread: it is queued, first come first served, and sent when a slot frees and
 * the pace allows. A task's own share ({@code maxConcurrentRequests}) is its reader's to keep.
 */
public final class RequestBudget {

  /** The most items planning's probes ask for: their answers teach the limit no latency. */
  private static final int LARGEST_PROBE = 2;

  private final Map<String, Host> hosts = new ConcurrentHashMap<>();
  private final Transport.Scheduler scheduler;
  private final LongSupplier nanoTime;

  RequestBudget(Transport.Scheduler scheduler, LongSupplier nanoTime) {
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
  }

  /** A slot for one attempt to {@code url}'s host once one is free; cancel it to stop waiting. */
  CompletableFuture<Permit> acquire(HttpUrl url, CallPolicy policy) {
    Host host =
        hosts.computeIfAbsent(
            HttpClients.hostKey(url), key -> new Host(policy.maxConcurrentRequestsPerExecutor()));
    return host.acquire(
        new Waiter(policy, kind(url), nanoTime.getAsLong(), new CompletableFuture<>()));
  }

  /** Attempts holding a slot to {@code host} ({@code host:port}) now. */
  public int inFlight(String host) {
    Host budget = hosts.get(host);
    return budget == null ? 0 : budget.inFlight();
  }

  /**
   * The requests {@code host} ({@code host:port}) may have in flight now: its slots, or fewer while
   * a probe of its latency runs at half of them; 0 before its first request.
   */
  public int allowed(String host) {
    Host budget = hosts.get(host);
    return budget == null ? 0 : budget.limit.current();
  }

  /** Attempts to {@code host} ({@code host:port}) waiting for a slot now. */
  public int waiting(String host) {
    Host budget = hosts.get(host);
    return budget == null ? 0 : budget.waiting();
  }

  /** The slots {@code host} ({@code host:port}) has now; 0 before its first request. */
  public int limit(String host) {
    Host budget = hosts.get(host);
    return budget == null ? 0 : budget.limit.learnt();
  }

  /**
   * Requests that ask the host for the same work, whose latency moves only when the host is slower
   * or queues them: media requests by path and page size (to the next power of two); null for
   * others (a blob's download time varies with the blob) and for planning's probes.
   *
   * <p>Probes (one or two items: a count, a bound, a check) come in a few short rounds, too few for
   * a probe of the limit at half the requests in flight to finish: one started by them would still
   * hold back the next plan's rounds to the same host, a round trip each.
   */
  static String kind(HttpUrl url) {
    String size = url.queryParameter("limit");
    if (size == null) {
      return null;
    }
    try {
      int limit = Integer.parseInt(size);
      return limit <= LARGEST_PROBE
          ? null
          : url.encodedPath() + "?limit~" + Integer.highestOneBit(limit);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private record Waiter(
      CallPolicy policy, String kind, long since, CompletableFuture<Permit> future) {}

  /** A slot taken for one attempt: give it back with what its answer taught, once. */
  final class Permit {
    private final Host host;
    private final AdaptiveLimit.Slot slot;
    private final String kind;
    private final long waited;
    private long sentAt;
    private boolean released;

    private Permit(Host host, AdaptiveLimit.Slot slot, String kind, long waited) {
      this.host = host;
      this.slot = slot;
      this.kind = kind;
      this.waited = waited;
    }

    /** How long the attempt waited for its slot and its turn, in nanoseconds. */
    long waited() {
      return waited;
    }

    /** The attempt goes out now: its answer's latency counts from here. */
    void sent() {
      sentAt = nanoTime.getAsLong();
    }

    /** The answer's headers arrived: 429 and 503 push back; others teach the latency. */
    void answered(int status) {
      boolean pushedBack = status == 429 || status == 503;
      give(() -> host.limit.release(slot, pushedBack, kind, nanoTime.getAsLong() - sentAt));
    }

    /** The attempt failed or was not sent: nothing learnt. */
    void failed() {
      give(() -> host.limit.release(slot));
    }

    /** The host's slots now, as the answers have taught them. */
    int limit() {
      return host.limit.learnt();
    }

    private void give(Runnable release) {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      release.run();
      host.grant();
    }
  }

  /** One host's slots, its queue of attempts waiting for one, and its pace. */
  private final class Host {
    final AdaptiveLimit limit;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private long nextFree = Long.MIN_VALUE;

    Host(int ceiling) {
      this.limit = new AdaptiveLimit(ceiling);
    }

    CompletableFuture<Permit> acquire(Waiter waiter) {
      synchronized (this) {
        queue.add(waiter);
      }
      grant();
      return waiter.future();
    }

    int inFlight() {
      return limit.inFlight();
    }

    synchronized int waiting() {
      return (int) queue.stream().filter(waiter -> !waiter.future().isDone()).count();
    }

    /** Gives free slots to the attempts waiting longest, each when the pace allows. */
    void grant() {
      List<Runnable> granted = new ArrayList<>();
      synchronized (this) {
        while (!queue.isEmpty()) {
          Waiter next = queue.peek();
          if (next.future().isDone()) {
            queue.poll(); // cancelled while it waited
            continue;
          }
          AdaptiveLimit.Slot slot =
              limit.tryAcquire(next.policy().maxConcurrentRequestsPerExecutor());
          if (slot == null) {
            break;
          }
          queue.poll();
          long now = nanoTime.getAsLong();
          long pace = pace(next.policy(), now);
          Permit permit = new Permit(this, slot, next.kind(), now - next.since() + pace);
          granted.add(
              pace <= 0
                  ? () -> hand(next, permit)
                  : () ->
                      scheduler.schedule(
                          () -> hand(next, permit), java.time.Duration.ofNanos(pace)));
        }
      }
      granted.forEach(Runnable::run);
    }

    /** Hands the slot over; one whose waiter gave up meanwhile goes back at once. */
    private void hand(Waiter waiter, Permit permit) {
      if (!waiter.future().complete(permit)) {
        permit.failed();
      }
    }

    /** Reserves the next send under the policy's pace; how long to wait for it, in nanoseconds. */
    private long pace(CallPolicy policy, long now) {
      if (policy.maxRequestsPerSecond() <= 0) {
        return 0;
      }
      long interval = (long) (1_000_000_000L / policy.maxRequestsPerSecond());
      long start = nextFree == Long.MIN_VALUE ? now : Math.max(now, nextFree);
      nextFree = start + interval;
      return start - now;
    }
  }
}
