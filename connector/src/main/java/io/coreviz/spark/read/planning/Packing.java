package io.coreviz.spark.read.planning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Packs bins into fewer, balanced bins. */
public final class Packing {

  private Packing() {}

  /**
   * Longest-processing-time-first: heaviest first, each onto the lightest of {@code count} bins.
   * The heaviest and lightest result differ by at most the heaviest input, so inputs of at most a
   * quarter of the average give results within a factor 5/3 of each other.
   */
  public static List<Bin> balance(List<Bin> bins, int count) {
    if (bins.size() <= count) {
      return bins;
    }
    List<Bin> sorted = new ArrayList<>(bins);
    sorted.sort(Comparator.comparingLong(Bin::weight).reversed());
    PriorityQueue<Acc> open =
        new PriorityQueue<>(
            Comparator.comparingLong((Acc acc) -> acc.weight).thenComparingInt(acc -> acc.order));
    for (int i = 0; i < count; i++) {
      open.add(new Acc(i));
    }
    for (Bin bin : sorted) {
      Acc lightest = open.poll();
      lightest.segments.addAll(bin.segments());
      lightest.weight += bin.weight();
      open.add(lightest);
    }
    List<Acc> accs = new ArrayList<>(open);
    accs.sort(Comparator.comparingInt(acc -> acc.order));
    List<Bin> packed = new ArrayList<>();
    for (Acc acc : accs) {
      if (!acc.segments.isEmpty()) {
        packed.add(new Bin(acc.segments, acc.weight));
      }
    }
    return packed;
  }

  private static final class Acc {
    final int order;
    final List<Segment> segments = new ArrayList<>();
    long weight;

    Acc(int order) {
      this.order = order;
    }
  }
}
