package io.coreviz.examples;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a long run prints as it goes: a line when a phase starts and ends (with what it did and how
 * long it took), notes in between, and one line at the end that a scheduler's log shows.
 */
final class Progress {

  private final String mode;
  private final long started = System.nanoTime();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private String phase;
  private long phaseStarted;
  private int number;

  Progress(String mode) {
    this.mode = mode;
  }

  synchronized void phase(String name, String what) {
    phase = name;
    phaseStarted = System.nanoTime();
    number++;
    System.out.printf(Locale.ROOT, "[quality %d/3] %s: %s%n", number, name, what);
  }

  synchronized void note(String text) {
    System.out.printf(
        Locale.ROOT,
        "[quality %d/3]   %s (%s)%n",
        number,
        text,
        seconds(System.nanoTime() - phaseStarted));
  }

  synchronized void done(String summary) {
    long nanos = System.nanoTime() - phaseStarted;
    millis.put(phase, nanos / 1_000_000);
    System.out.printf(
        Locale.ROOT,
        "[quality %d/3] %s done in %s%s%n",
        number,
        phase,
        seconds(nanos),
        summary.isEmpty() ? "" : ": " + summary);
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
