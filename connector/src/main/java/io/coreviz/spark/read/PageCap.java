package io.coreviz.spark.read;

/**
 * The most items the server returns per request, as a walk learns it: unknown until a page comes
 * back shorter than asked without being the end. Walks use it to foresee their next requests
 * ({@link Cursor#ahead}); it never decides which rows are read.
 */
final class PageCap {

  private int cap;

  /** How many items a request for {@code limit} gets back. */
  int served(int limit) {
    return cap > 0 ? Math.min(limit, cap) : limit;
  }

  /**
   * Learns from a page of {@code returned} items, asked for {@code asked}, that was not the end.
   */
  void learn(int returned, int asked) {
    if (returned > 1 && returned < asked) {
      cap = returned;
    }
  }
}
