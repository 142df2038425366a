package io.coreviz.spark.read;

import io.coreviz.spark.read.planning.PartitionPlanner;
import java.util.List;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/** A planned read; its description, shown by {@code explain()}, lists the API requests it sends. */
final class CoreVizScan implements Scan {

  private final ScanSpec spec;
  private final PartitionPlanner planner;
  private CoreVizBatch batch;

  CoreVizScan(ScanSpec spec, PartitionPlanner planner) {
    this.spec = spec;
    this.planner = planner;
  }

  @Override
  public StructType readSchema() {
    return spec.readSchema();
  }

  @Override
  public synchronized Batch toBatch() {
    if (batch == null) {
      batch = new CoreVizBatch(spec, planner);
    }
    return batch;
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return ScanMetrics.supported();
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
