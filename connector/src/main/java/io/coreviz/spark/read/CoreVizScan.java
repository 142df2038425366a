package io.coreviz.spark.read;

import io.coreviz.spark.errors.ConfigurationException;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.read.planning.PartitionPlanner;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;

/** A planned read; its description, shown by {@code explain()}, lists the API requests it sends. */
final class CoreVizScan implements Scan {

  private final ScanSpec spec;
  private final PartitionPlanner planner;
  private final ReadOptions options;
  private CoreVizBatch batch;
  private volatile boolean streaming;

  CoreVizScan(ScanSpec spec, PartitionPlanner planner, ReadOptions options) {
    this.spec = spec;
    this.planner = planner;
    this.options = options;
  }

  @Override
  public StructType readSchema() {
    return spec.readSchema();
  }

  @Override
  public synchronized CoreVizBatch toBatch() {
    if (batch == null) {
      batch = new CoreVizBatch(spec, planner);
    }
    return batch;
  }

  /**
   * A stream of the items the options select, in creation order. Spark pushes nothing into a
   * stream's scan: every column is read, and filters beyond the options run in Spark.
   */
  @Override
  public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    if (options.scored()) {
      throw new ConfigurationException(
          "a CoreViz stream reads items in creation order; q and similarToObjectId rank them by"
              + " relevance instead: read them with spark.read");
    }
    streaming = true;
    return new CoreVizStream(options, checkpointLocation);
  }

  /**
   * Row-based throughout, said up front: Spark then asks for the partitions only to run the scan
   * (not to plan or explain the query), after it has generated the query's code.
   */
  @Override
  public ColumnarSupportMode columnarSupportMode() {
    return ColumnarSupportMode.UNSUPPORTED;
  }

  /**
   * Spark asks for these as a query starts to run, before it generates the query's code, and not to
   * explain one: a batch read starts planning here, in the background, so that planning's requests
   * overlap Spark's code generation and job setup. A stream's scan plans no batch.
   */
  @Override
  public CustomMetric[] supportedCustomMetrics() {
    if (!streaming) {
      toBatch().startPlanning();
    }
    return ScanMetrics.supported();
  }

  /** Planning's requests and retries, sent on the driver. */
  @Override
  public synchronized CustomTaskMetric[] reportDriverMetrics() {
    return batch == null ? new CustomTaskMetric[0] : ScanMetrics.driverValues(batch.planning());
  }

  /** The requests, and, once the scan is planned, what planning found (never I/O). */
  @Override
  public synchronized String description() {
    String text = spec.describe(planner.toString());
    if (batch != null && batch.cost() != null) {
      text += " [planning: " + batch.cost() + "]";
    }
    List<String> notes = batch == null ? List.of() : batch.notes();
    return notes.isEmpty() ? text : text + " [planned: " + String.join("; ", notes) + "]";
  }

  @Override
  public String toString() {
    return description();
  }
}
