package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.read.planning.Bin;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Packing;
import io.coreviz.spark.read.planning.PartitionPlanner;
import io.coreviz.spark.read.planning.Plan;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/**
 * Plans partitions once, on the driver, and caches them. Pushed counts, limits and id lookups need
 * no probe; full scans ask the planner, once per request set. Planning can start before Spark asks
 * for the partitions ({@link #startPlanning()}): its requests then go out while Spark generates the
 * query's code.
 */
final class CoreVizBatch implements Batch {

  private final ScanSpec spec;
  private final PartitionPlanner planner;
  private FutureTask<List<MediaPartition>> planning;
  private volatile List<String> notes = List.of();
  private volatile String cost;
  private final RequestStats stats = new RequestStats();

  CoreVizBatch(ScanSpec spec, PartitionPlanner planner) {
    this.spec = spec;
    this.planner = planner;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    try {
      return started(false).get().toArray(new InputPartition[0]);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while planning the read", e);
    }
  }

  /**
   * Starts planning now, on a thread of its own, for {@link #planInputPartitions()} to wait for.
   */
  void startPlanning() {
    started(true);
  }

  /**
   * The plan, started once: where it was first asked for, or in the background. The cluster's
   * parallelism is read on the calling thread, which has the query's session.
   */
  private FutureTask<List<MediaPartition>> started(boolean background) {
    FutureTask<List<MediaPartition>> task;
    synchronized (this) {
      if (planning != null) {
        return planning;
      }
      int parallelism = parallelism();
      task = new FutureTask<>(() -> index(plan(parallelism)));
      planning = task;
    }
    if (background) {
      Thread thread = new Thread(task, "coreviz-planning");
      thread.setDaemon(true);
      thread.start();
    } else {
      task.run();
    }
    return task;
  }

  /** What planning found and did about it (fallbacks); empty before planning. */
  List<String> notes() {
    return notes;
  }

  /**
   * What planning cost, e.g. "12 requests in 0.41 s" or "14 requests (2 retries) in 1.20 s"; null
   * before planning or without probes.
   */
  String cost() {
    return cost;
  }

  /** Planning's requests and retries, counted as they are sent. */
  RequestStats planning() {
    return stats;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new MediaReaderFactory(spec);
  }

  private List<Bin> plan(int parallelism) {
    List<MediaQuery> queries = spec.queries();
    List<Bin> bins = new ArrayList<>();
    if (spec.countOnly()) {
      // One row, the sum over the queries: Spark takes it as the final count.
      bins.add(new Bin(queries.stream().map(Segment::all).toList(), 1));
      return bins;
    }
    if (spec.limit() != null) {
      for (MediaQuery query : queries) {
        bins.add(Bin.of(new Segment(query, 0, spec.limit(), false), spec.limit()));
      }
      return bins;
    }
    if (!queries.isEmpty() && queries.get(0).mediaId() != null) {
      // Id lookups: one request each, no probe.
      for (MediaQuery lookup : queries) {
        bins.add(Bin.of(Segment.all(lookup), 1));
      }
      return Packing.balance(bins, Math.min(parallelism, spec.numPartitions()));
    }
    CoreVizClient client = spec.client().client(stats);
    long start = System.nanoTime();
    List<String> found = new ArrayList<>();
    for (MediaQuery query : queries) {
      Plan plan = planner.plan(client, query, parallelism);
      for (String note : plan.notes()) {
        found.add(queries.size() == 1 ? note : query + ": " + note);
      }
      bins.addAll(plan.bins());
    }
    notes = List.copyOf(found);
    long retries = stats.retries.get();
    cost =
        String.format(
            java.util.Locale.ROOT,
            "%d requests%s in %.2f s",
            stats.requests.get(),
            retries == 0 ? "" : " (" + retries + (retries == 1 ? " retry)" : " retries)"),
            (System.nanoTime() - start) / 1e9);
    return Packing.balance(bins, spec.numPartitions());
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
