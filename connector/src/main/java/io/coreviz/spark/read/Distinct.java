package io.coreviz.spark.read;

import java.util.HashSet;
import java.util.Set;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Each id once within a partition: a repeat (an item a walk met twice, ties in a new order, pages
 * that overlap) is dropped and counted. Holds the partition's ids, so a task's memory grows with
 * its partition, not with the collection. Not thread-safe: the task's thread alone uses it.
 */
final class Distinct {

  private final Set<UTF8String> seen = new HashSet<>();
  private long repeats;

  /** True the first time {@code id} is offered. */
  boolean first(UTF8String id) {
    if (seen.add(id)) {
      return true;
    }
    repeats++;
    return false;
  }

  /** Ids offered again. */
  long repeats() {
    return repeats;
  }
}
