package io.coreviz.emulator.data;

/**
 * The seeds of the test suites' generated collections (the connector's exactness suites, the
 * quality job's checks). Each suite fixes its own, so a failure repeats; {@code
 * -Dcoreviz.test.seedOffset=N} moves every one of them at once, so the same suites can be run over
 * other collections ({@code mvn -pl connector surefire:test -Dtest='...'
 * -Dcoreviz.test.seedOffset=3}).
 */
public final class TestSeeds {

  private static final String PROPERTY = "coreviz.test.seedOffset";
  private static final long OFFSET = offset(System.getProperty(PROPERTY, "0"));

  private TestSeeds() {}

  /** The offset given, refused unless a whole number: a typo must not run the fixed seeds. */
  private static long offset(String given) {
    try {
      return Long.parseLong(given.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + given + " is not a whole number; give e.g. -D" + PROPERTY + "=3",
          e);
    }
  }

  /**
   * The offset given on the command line, 0 by default: figures that docs give for a suite's own
   * collection hold at 0 only.
   */
  public static long offset() {
    return OFFSET;
  }

  /** {@code fixed}, moved by the offset given on the command line (none by default). */
  public static long seed(long fixed) {
    return fixed + OFFSET * 1_000_003L;
  }
}
