package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests and reads their answers with the call policy's retries: the one retry path of
 * every request the connector sends (pages, planning's probes, the stream's newest items, blob
 * downloads). An attempt is the whole exchange, body included, so these are retried alike: a
 * connection refused or reset before the answer, a body cut mid-stream, a body that stalls past the
 * read timeout, 429 and 5xx (but 501 and 505).
 *
 * <p>Waits grow exponentially from {@link CallPolicy#initialBackoff()} up to {@link
 * CallPolicy#maxBackoff()}, each drawn between half its ceiling and the ceiling (equal jitter: a
 * run of retries spans at least half the sum of the ceilings, so a short outage is outlasted); a
 * {@code Retry-After} is waited for instead when it is longer. A request gives up after {@link
 * CallPolicy#maxRetries()} retries, or when the next wait would pass {@link
 * CallPolicy#maxRetryTime()} since it was first sent. Waits are scheduled, not slept: no thread,
 * and none of OkHttp's, is held while a retry waits.
 *
 * <p>Each attempt takes a slot of its host's {@link RequestBudget} before it is sent (waiting for
 * one holds no thread either) and gives it back when its answer's headers arrive. The policy and
 * the counters travel as the request's tags ({@link CallPolicy}, {@link RequestStats}).
 */
public final class Transport {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

  private final OkHttpClient http;
  private final RequestBudget budget;
  private final Scheduler scheduler;
  private final LongSupplier nanoTime;
  private final RandomGenerator jitter;

  Transport(
      OkHttpClient http,
      RequestBudget budget,
      Scheduler scheduler,
      LongSupplier nanoTime,
      RandomGenerator jitter) {
    this.http = http;
    this.budget = budget;
    this.scheduler = scheduler;
    this.nanoTime = nanoTime;
    this.jitter = jitter;
  }

  /** Reads an answer that is not retried, or the last one: its value, or an error. */
  @FunctionalInterface
  public interface BodyReader<T> {

    /**
     * Reads {@code response} (closed by the caller). An {@link IOException} means the body broke
     * and is retried; any other exception fails the request as it is.
     *
     * @param attempts how many attempts the request took, this one included
     */
    T read(Response response, int attempts) throws IOException;
  }

  /** Runs a task after a delay; injectable so tests of retries run instantly. */
  @FunctionalInterface
  public interface Scheduler {
    void schedule(Runnable task, Duration delay);
  }

  /** The OkHttp client the attempts go through. */
  public OkHttpClient http() {
    return http;
  }

  /** The same retries and budget over another OkHttp client, e.g. one that follows redirects. */
  public Transport over(OkHttpClient other) {
    return new Transport(other, budget, scheduler, nanoTime, jitter);
  }

  /** How many requests go out to each host, and when. */
  public RequestBudget budget() {
    return budget;
  }

  /**
   * Sends {@code request} until it succeeds or its policy gives up; the future holds what {@code
   * reader} made of the answer, or fails with {@link RetriesExhaustedException} (the last I/O
   * failure) or whatever {@code reader} threw. Cancelling the future cancels the call in flight and
   * any retry.
   *
   * @param shown what logs say of the request: never credentials, nor a signed URL's query
   */
  public <T> CompletableFuture<T> send(Request request, String shown, BodyReader<T> reader) {
    return new Exchange<>(request, shown, reader).start();
  }

  /** {@link #send}, waiting for the result in the calling thread. */
  public <T> T call(Request request, String shown, BodyReader<T> reader) throws IOException {
    return await(send(request, shown, reader));
  }

  /** The future's value; its failure rethrown as it is (an I/O failure as an IOException). */
  public static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for an answer");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    } catch (CancellationException e) {
      throw new InterruptedIOException("the request was cancelled");
    }
  }

  static boolean retryable(int status) {
    return status == 429 || (status >= 500 && status != 501 && status != 505);
  }

  /** One request's attempts. */
  private final class Exchange<T> implements Callback {
    private final Request request;
    private final String shown;
    private final BodyReader<T> reader;
    private final CallPolicy policy;
    private final RequestStats stats;
    private final long start = nanoTime.getAsLong();
    private final CompletableFuture<T> result;
    private int attempts;
    private volatile Call call;
    private volatile CompletableFuture<RequestBudget.Permit> waiting;
    private volatile RequestBudget.Permit permit;

    Exchange(Request request, String shown, BodyReader<T> reader) {
      this.request = request;
      this.shown = shown;
      this.reader = reader;
      CallPolicy tagged = request.tag(CallPolicy.class);
      RequestStats counted = request.tag(RequestStats.class);
      this.policy = tagged == null ? CallPolicy.DEFAULT : tagged;
      this.stats = counted == null ? new RequestStats() : counted;
      this.result =
          new CompletableFuture<>() {
            @Override
            public boolean cancel(boolean mayInterruptIfRunning) {
              boolean cancelled = super.cancel(mayInterruptIfRunning);
              CompletableFuture<RequestBudget.Permit> slot = waiting;
              if (slot != null) {
                slot.cancel(false);
              }
              Call current = call;
              if (current != null) {
                current.cancel();
              }
              return cancelled;
            }
          };
    }

    CompletableFuture<T> start() {
      attempt();
      return result;
    }

    private void attempt() {
      if (result.isDone()) {
        return;
      }
      attempts++;
      CompletableFuture<RequestBudget.Permit> slot = budget.acquire(request.url(), policy);
      waiting = slot;
      if (result.isCancelled()) {
        slot.cancel(false); // cancelled between the check and the wait
      }
      slot.thenAccept(this::send);
    }

    /** Sends this attempt with its slot. */
    private void send(RequestBudget.Permit slot) {
      stats.throttledNanos.addAndGet(slot.waited());
      Call next = http.newCall(request);
      call = next;
      permit = slot;
      if (result.isDone()) {
        slot.failed(); // cancelled while it waited for the slot
        return;
      }
      slot.sent();
      next.enqueue(this);
    }

    @Override
    public void onFailure(Call failed, IOException e) {
      permit.failed();
      stats.requests.incrementAndGet();
      if (result.isDone()) {
        result.completeExceptionally(e);
        return;
      }
      retryOrFail(e);
    }

    @Override
    public void onResponse(Call answered, Response response) {
      permit.answered(response.code());
      stats.concurrencyLimit.set(permit.limit());
      stats.requests.incrementAndGet();
      try (response) {
        int status = response.code();
        if (retryable(status)) {
          boolean throttled = status == 429;
          if (throttled) {
            stats.rateLimited.incrementAndGet();
          }
          Duration wait = backoff(response.header("Retry-After"));
          if (!exhausted(wait)) {
            if (throttled) {
              stats.throttledNanos.addAndGet(wait.toNanos());
            }
            retry(wait, "HTTP " + status);
            return;
          }
        }
        result.complete(reader.read(response, attempts));
      } catch (IOException e) {
        if (result.isDone()) {
          result.completeExceptionally(e);
          return;
        }
        retryOrFail(e); // the body broke: cut, reset or stalled past the read timeout
      } catch (RuntimeException | Error e) {
        result.completeExceptionally(e);
      }
    }

    private void retryOrFail(IOException failure) {
      // A connection that broke may have broken with the others to its host (a restart, a proxy
      // gone): idle ones are dropped, so the next attempt does not fail again on one of them.
      http.connectionPool().evictAll();
      Duration wait = backoff(null);
      if (exhausted(wait)) {
        result.completeExceptionally(
            new RetriesExhaustedException(attempts, nanoTime.getAsLong() - start, failure));
        return;
      }
      retry(wait, describe(failure));
    }

    private void retry(Duration wait, String why) {
      stats.retries.incrementAndGet();
      LOG.warn(
          "Retrying GET {} in {} ms after {} (attempt {} of {})",
          shown,
          wait.toMillis(),
          why,
          attempts,
          policy.maxRetries() + 1);
      scheduler.schedule(this::attempt, wait);
    }

    private boolean exhausted(Duration wait) {
      return attempts > policy.maxRetries()
          || nanoTime.getAsLong() + wait.toNanos() - start > policy.maxRetryTime().toNanos();
    }

    /**
     * The wait before the next attempt: equal jitter under the exponential ceiling, or the server's
     * {@code Retry-After} where that is longer.
     */
    private Duration backoff(String retryAfterHeader) {
      long ceiling =
          Math.min(
              policy.maxBackoff().toNanos(),
              policy.initialBackoff().toNanos() << Math.min(attempts - 1, 30));
      long half = ceiling / 2;
      Duration jittered =
          Duration.ofNanos(ceiling <= 0 ? 0 : half + jitter.nextLong(ceiling - half + 1));
      Duration retryAfter = retryAfter(retryAfterHeader);
      return retryAfter != null && retryAfter.compareTo(jittered) > 0 ? retryAfter : jittered;
    }
  }

  /** A {@code Retry-After} header's wait (seconds or an HTTP date); null when absent or bad. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
    } catch (NumberFormatException e) {
      try {
        Instant at = DateTimeFormatter.RFC_1123_DATE_TIME.parse(header.trim(), Instant::from);
        Duration wait = Duration.between(Instant.now(), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException ignored) {
        return null;
      }
    }
  }

  /**
   * An I/O failure and its cause, e.g. "Failed to connect to /10.0.0.1:443: Connection refused".
   */
  static String describe(Throwable failure) {
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    Throwable cause = failure.getCause();
    if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
      message += ": " + cause.getMessage();
    }
    return message;
  }

  /** The last I/O failure of a request that was retried as often as its policy allows. */
  public static final class RetriesExhaustedException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int attempts;

    RetriesExhaustedException(int attempts, long elapsedNanos, IOException last) {
      super(
          describe(last)
              + String.format(
                  Locale.ROOT,
                  " (after %d attempt%s over %.1f s)",
                  attempts,
                  attempts == 1 ? "" : "s",
                  elapsedNanos / 1e9),
          last);
      this.attempts = attempts;
    }

    public int attempts() {
      return attempts;
    }
  }
}
