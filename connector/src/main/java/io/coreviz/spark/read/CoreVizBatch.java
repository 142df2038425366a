package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.read.planning.Bin;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Packing;
import io.coreviz.spark.read.planning.PartitionPlanner;
import io.coreviz.spark.read.planning.Plan;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Plans partitions once, on the driver, and caches them. Pushed counts, limits and id lookups need
 * no probe; full scans ask the planner, once per request set.
 */
final class CoreVizBatch implements Batch {

  private final ScanSpec spec;
  private final PartitionPlanner planner;
  private List<MediaPartition> partitions;
  private volatile List<String> notes = List.of();

  CoreVizBatch(ScanSpec spec, PartitionPlanner planner) {
    this.spec = spec;
    this.planner = planner;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions() {
    if (partitions == null) {
      partitions = index(plan());
    }
    return partitions.toArray(new InputPartition[0]);
  }

  /** What planning found and did about it (fallbacks); empty before planning. */
  List<String> notes() {
    return notes;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new MediaReaderFactory(spec);
  }

  private List<Bin> plan() {
    List<Map<String, String>> alternatives = spec.alternatives();
    List<Bin> bins = new ArrayList<>();
    if (spec.countOnly()) {
      // One row, the sum over the request sets: Spark takes it as the final count.
      bins.add(new Bin(alternatives.stream().map(Segment::all).toList(), 1));
      return bins;
    }
    if (spec.limit() != null) {
      for (Map<String, String> alternative : alternatives) {
        bins.add(Bin.of(new Segment(alternative, 0, spec.limit(), false), spec.limit()));
      }
      return bins;
    }
    if (!alternatives.isEmpty() && alternatives.get(0).containsKey("mediaId")) {
      // Id lookups: one request each, no probe.
      for (Map<String, String> lookup : alternatives) {
        bins.add(Bin.of(Segment.all(lookup), 1));
      }
      return Packing.balance(bins, Math.min(parallelism(), spec.options().numPartitions()));
    }
    CoreVizClient client = spec.options().client(new RequestStats());
    List<String> found = new ArrayList<>();
    for (Map<String, String> alternative : alternatives) {
      Plan plan = planner.plan(client, spec.withParams(alternative), parallelism());
      for (String note : plan.notes()) {
        found.add(alternative.isEmpty() ? note : alternative + ": " + note);
      }
      for (Bin bin : plan.bins()) {
        bins.add(
            new Bin(bin.segments().stream().map(s -> s.under(alternative)).toList(), bin.weight()));
      }
    }
    notes = List.copyOf(found);
    return Packing.balance(bins, spec.options().numPartitions());
  }

  private static List<MediaPartition> index(List<Bin> bins) {
    List<MediaPartition> partitions = new ArrayList<>();
    for (Bin bin : bins) {
      partitions.add(new MediaPartition(partitions.size(), bin.segments()));
    }
    return partitions;
  }

  private static int parallelism() {
    return SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().sparkContext().defaultParallelism()
        : 1;
  }
}
