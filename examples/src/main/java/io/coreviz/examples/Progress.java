package io.coreviz.examples;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a long run prints as it goes: a line when a phase starts and ends (with what it did and how
 * long it took), notes in between, every {@value #TICK_SECONDS} s while Spark works the tasks done
 * and an estimate of the time left, and one line at the end that a scheduler's log shows.
 */
final class Progress implements AutoCloseable {

  static final int TICK_SECONDS = 10;

  private java.util.concurrent.ScheduledExecutorService ticker;

  private final String mode;
  private final int stages;
  private final long started = System.nanoTime();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private String phase;
  private long phaseStarted;
  private int number;

  /** A run in {@code mode} of {@code stages} stages, each a phase. */
  Progress(String mode, int stages) {
    this.mode = mode;
    this.stages = stages;
  }

  /** Prints the running stages' tasks done, and the time left, every few seconds. */
  Progress watching(org.apache.spark.SparkContext spark) {
    ticker =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "coreviz-quality-progress");
              thread.setDaemon(true);
              return thread;
            });
    ticker.scheduleAtFixedRate(
        () ->
            tick(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark).statusTracker()),
        TICK_SECONDS,
        TICK_SECONDS,
        java.util.concurrent.TimeUnit.SECONDS);
    return this;
  }

  private synchronized void tick(org.apache.spark.api.java.JavaSparkStatusTracker tracker) {
    if (phase == null) {
      return;
    }
    long tasks = 0;
    long done = 0;
    long submitted = Long.MAX_VALUE;
    for (int stage : tracker.getActiveStageIds()) {
      org.apache.spark.SparkStageInfo info = tracker.getStageInfo(stage);
      if (info != null) {
        tasks += info.numTasks();
        done += info.numCompletedTasks();
        submitted = Math.min(submitted, info.submissionTime());
      }
    }
    if (tasks == 0) {
      return;
    }
    long elapsed = System.nanoTime() - phaseStarted;
    // The rate since the running stages were submitted, not since the phase began.
    long running = Math.max(0, System.currentTimeMillis() - submitted) * 1_000_000L;
    String left =
        done == 0
            ? ""
            : ", about " + seconds(running * (tasks - done) / done) + " left in these stages";
    System.out.printf(
        Locale.ROOT,
        "[quality %d/%d]   %s: %d of %d tasks done (%s)%s%n",
        number,
        stages,
        phase,
        done,
        tasks,
        seconds(elapsed),
        left);
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
  }

  synchronized void phase(String name, String what) {
    phase = name;
    phaseStarted = System.nanoTime();
    number++;
    System.out.printf(Locale.ROOT, "[quality %d/%d] %s: %s%n", number, stages, name, what);
  }

  synchronized void note(String text) {
    System.out.printf(
        Locale.ROOT,
        "[quality %d/%d]   %s (%s)%n",
        number,
        stages,
        text,
        seconds(System.nanoTime() - phaseStarted));
  }

  synchronized void done(String summary) {
    long nanos = System.nanoTime() - phaseStarted;
    millis.put(phase, nanos / 1_000_000);
    System.out.printf(
        Locale.ROOT,
        "[quality %d/%d] %s done in %s%s%n",
        number,
        stages,
        phase,
        seconds(nanos),
        summary.isEmpty() ? "" : ": " + summary);
    phase = null; // between phases, the ticker is quiet
  }

  /** Per phase, how long it took. */
  synchronized Map<String, Long> millis() {
    return Map.copyOf(millis);
  }

  /** The run in one line. */
  String result(RunRow run, String collectionId) {
    long open = run.openFlags().values().stream().mapToLong(Long::longValue).sum();
    return String.format(
        Locale.ROOT,
        "coreviz-quality OK collection=%s mode=%s items=%d new=%d checked=%d open_flags=%d"
            + " new_flags=%d resolved=%d in %s",
        collectionId,
        mode,
        run.items(),
        run.newItems(),
        run.checked(),
        open,
        run.newFlags(),
        run.resolvedFlags(),
        seconds(System.nanoTime() - started));
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.1f s", Duration.ofNanos(nanos).toMillis() / 1000.0);
  }
}
