package io.coreviz.spark.read.planning;

import java.util.Objects;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * A contiguous range {@code [offset, offset + count)} of the read's ordered results. A tiny
 * immutable value: the query itself travels once, in the reader factory.
 */
public final class MediaPartition implements InputPartition {

  private static final long serialVersionUID = 1L;

  private final int index;
  private final long offset;
  private final long count;

  public MediaPartition(int index, long offset, long count) {
    if (index < 0 || offset < 0 || count < 1) {
      throw new IllegalArgumentException(
          "bad partition #" + index + " offset " + offset + " count " + count);
    }
    this.index = index;
    this.offset = offset;
    this.count = count;
  }

  public int index() {
    return index;
  }

  public long offset() {
    return offset;
  }

  public long count() {
    return count;
  }

  /** The offset just past this range. */
  public long end() {
    return offset + count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MediaPartition that
        && index == that.index
        && offset == that.offset
        && count == that.count;
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, offset, count);
  }

  @Override
  public String toString() {
    return "MediaPartition[#" + index + " offset=" + offset + " count=" + count + "]";
  }
}
