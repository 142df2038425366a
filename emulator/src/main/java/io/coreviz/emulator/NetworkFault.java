package io.coreviz.emulator;

import io.coreviz.emulator.FaultInjector.Reply;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * The faults a network and a busy service throw at a client, each as the {@link Reply} that injects
 * it into one answer, for fault matrices: a client that retries what may succeed later must outlast
 * every one of them.
 */
public enum NetworkFault {
  /** The connection is dropped before any answer (a reset, a crashed proxy). */
  RESET(Reply.disconnect()),
  /** Headers and half the body, then the connection drops (a proxy restart, an idle cut). */
  CUT(Reply.cutHalfway()),
  /** Headers and half the body, then nothing for {@link Times#STALL}. */
  STALL(Reply.stallHalfway(Times.STALL)),
  /** HTTP 503. */
  UNAVAILABLE(Reply.json(503, "{\"error\":\"Service unavailable\"}")),
  /** HTTP 429 with {@code Retry-After: 0}. */
  THROTTLED(FaultInjector.tooManyRequests(0)),
  /** The server goes away for {@link Times#DOWN}, dropping every connection, and comes back. */
  RESTART(Reply.restart(Times.DOWN));

  /** How long the faults last. */
  public static final class Times {
    /** How long a {@link #STALL} holds the rest of the body: a client must time out before. */
    public static final Duration STALL = Duration.ofSeconds(3);

    /** How long a {@link #RESTART} keeps the server down. */
    public static final Duration DOWN = Duration.ofSeconds(1);

    private Times() {}
  }

  private final Reply reply;

  NetworkFault(Reply reply) {
    this.reply = reply;
  }

  public Reply reply() {
    return reply;
  }

  /** Injects this fault into the first request {@code which} selects, and no other. */
  public FaultInjector once(Predicate<RecordedRequest> which) {
    return FaultInjector.first(1, which, reply);
  }

  /** True where the server's log shows this fault injected into {@code request}. */
  public boolean injectedInto(RecordedRequest request) {
    return request.faulted() || request.status() == reply.status();
  }

  /**
   * True where a client's retries equal the faults the log shows: a restart also refuses the
   * connections tried while the server is down and drops those in flight, which no log records.
   */
  public boolean countedByTheLog() {
    return this != RESTART;
  }
}
