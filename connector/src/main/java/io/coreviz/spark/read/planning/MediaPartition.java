package io.coreviz.spark.read.planning;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A partition: the segments one task reads, one after the other. A tiny immutable value; the scan's
 * query itself travels once, in the reader factory.
 */
public final class MediaPartition implements InputPartition {

  private static final long serialVersionUID = 2L;

  private final int index;
  private final List<Segment> segments;

  public MediaPartition(int index, List<Segment> segments) {
    if (index < 0) {
      throw new IllegalArgumentException("bad partition index " + index);
    }
    this.index = index;
    this.segments = List.copyOf(segments);
  }

  public int index() {
    return index;
  }

  public List<Segment> segments() {
    return segments;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MediaPartition that
        && index == that.index
        && segments.equals(that.segments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, segments);
  }

  @Override
  public String toString() {
    return "MediaPartition#" + index + segments;
  }
}
