package io.coreviz.spark.read.planning;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class PackingTest {

  private static Bin unit(long weight) {
    return Bin.of(
        Segment.all(MediaQuery.of("c0ffee00c0ffee00c0ffee00c0ffee00").withMediaId("w" + weight)),
        weight);
  }

  @RepeatedTest(20)
  void unitsOfAtMostAQuarterOfTheAverageGiveBinsWithinFiveThirds() {
    Random random = new Random();
    int count = 2 + random.nextInt(10);
    long average = 1_000 + random.nextInt(10_000);
    long total = average * count;
    List<Bin> units = new ArrayList<>();
    for (long left = total; left > 0; ) {
      long weight = Math.min(left, 1 + random.nextInt((int) (average / 4)));
      units.add(unit(weight));
      left -= weight;
    }

    List<Bin> bins = Packing.balance(units, count);

    assertThat(bins).hasSize(count);
    long min = bins.stream().mapToLong(Bin::weight).min().orElseThrow();
    long max = bins.stream().mapToLong(Bin::weight).max().orElseThrow();
    assertThat((double) max / min).as("max %d, min %d", max, min).isLessThanOrEqualTo(5.0 / 3);
    assertThat(bins.stream().mapToLong(Bin::weight).sum()).isEqualTo(total);
    assertThat(bins.stream().mapToInt(b -> b.segments().size()).sum()).isEqualTo(units.size());
  }

  @Test
  void fewerUnitsThanBinsStayAsTheyAre() {
    List<Bin> units = List.of(unit(5), unit(7));

    assertThat(Packing.balance(units, 4)).isEqualTo(units);
  }
}
