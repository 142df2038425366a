package io.coreviz.spark.read.planning;

import java.util.List;

/**
 * Segments planned to be read together, with the number of items they are expected to hold.
 *
 * @param weight expected items (from probes, or an estimate such as a folder's item count)
 */
public record Bin(List<Segment> segments, long weight) {

  public Bin {
    segments = List.copyOf(segments);
  }

  public static Bin of(Segment segment, long weight) {
    return new Bin(List.of(segment), weight);
  }
}
