package io.coreviz.spark;

/**
 * The seeds of the exactness suites' collections. Each suite fixes its own, so a failure repeats;
 * {@code -Dcoreviz.test.seedOffset=N} moves every one of them at once, so the same suites can be
 * run over other collections ({@code mvn -pl connector verify -Dtest='...'
 * -Dcoreviz.test.seedOffset=3}).
 */
final class TestSeeds {

  private static final long OFFSET = Long.getLong("coreviz.test.seedOffset", 0);

  private TestSeeds() {}

  /** {@code fixed}, moved by the offset given on the command line (none by default). */
  static long seed(long fixed) {
    return fixed + OFFSET * 1_000_003L;
  }
}
