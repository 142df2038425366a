package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Benchmark arguments: defaults where absent, and bad ones named before anything starts. */
class BenchmarkArgsTest {

  private static final String USAGE = "[SIZES [LATENCY_MS [RUNS]]]";

  @Test
  void absentArgumentsTakeTheirDefaultsAndGivenOnesTheirValues() {
    BenchmarkArgs none = new BenchmarkArgs(USAGE);
    assertThat(none.numbers(0, "sizes", 1, "20000,100000")).containsExactly(20_000, 100_000);
    assertThat(none.number(1, "latency", 0, 50)).isEqualTo(50);
    assertThat(none.text(2, "x")).isEqualTo("x");
    assertThat(none.is(0, "scored")).isFalse();

    BenchmarkArgs given = new BenchmarkArgs(USAGE, "5000, 7", "0", "scored");
    assertThat(given.numbers(0, "sizes", 1, "20000")).containsExactly(5_000, 7);
    assertThat(given.number(1, "latency", 0, 50)).isZero();
    assertThat(given.is(2, "scored")).isTrue();
  }

  @Test
  void aBadNumberIsNamedWithWhatIsValid() {
    BenchmarkArgs args = new BenchmarkArgs(USAGE, "20000,lots", "5o", "-1");
    assertThatThrownBy(() -> args.numbers(0, "sizes", 1, "20000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "argument 1 (sizes) must be a whole number of at least 1, got \"lots\"; arguments: "
                + USAGE);
    assertThatThrownBy(() -> args.number(1, "latency in ms", 0, 50))
        .hasMessageContaining("argument 2 (latency in ms)")
        .hasMessageContaining("got \"5o\"");
    assertThatThrownBy(() -> args.number(2, "runs", 1, 5))
        .hasMessageContaining("at least 1, got \"-1\"");
    assertThatThrownBy(() -> new BenchmarkArgs(USAGE, "1,,2").numbers(0, "sizes", 1, "1"))
        .hasMessageContaining("got \"\"");
  }

  @Test
  void benchmarksRejectABadArgumentBeforeStartingAnything() {
    for (Runnable main :
        List.<Runnable>of(
            () -> run(() -> ConversionBenchmark.main(new String[] {"many"})),
            () -> run(() -> ScanBenchmark.main(new String[] {"20000", "0,fifty"})),
            () -> run(() -> FirstReadBenchmark.main(new String[] {"0"})),
            () -> run(() -> DuplicatesBenchmark.main(new String[] {"5000", "x"})),
            () -> run(() -> ContentBenchmark.main(new String[] {"5000", "50", "none"})),
            () -> run(() -> MemoryBenchmark.main(new String[] {"1e6"})),
            () -> run(() -> PipelineBenchmark.main(new String[] {"model", "all"})),
            () -> run(() -> ClipBenchmark.main(new String[] {"model", "384", "0"})))) {
      assertThatThrownBy(main::run)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be a whole number");
    }
  }

  private interface Main {
    void run() throws Exception;
  }

  private static void run(Main main) {
    try {
      main.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("a checked exception instead of IllegalArgumentException", e);
    }
  }
}
