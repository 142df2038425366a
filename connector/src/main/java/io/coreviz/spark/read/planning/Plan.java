package io.coreviz.spark.read.planning;

import java.util.List;

/**
 * What a planner decided: the bins (future partitions), and notes on what it found and did about
 * it, e.g. a fallback because the server's day filters or totals could not be trusted. The notes
 * are logged and shown by {@code explain()} once the scan is planned.
 */
public record Plan(List<Bin> bins, List<String> notes) {

  public Plan {
    bins = List.copyOf(bins);
    notes = List.copyOf(notes);
  }

  public static Plan of(List<Bin> bins) {
    return new Plan(bins, List.of());
  }
}
