package io.coreviz.spark.read;

import io.coreviz.spark.read.planning.PartitionPlanner;
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

  @Override
  public String description() {
    return spec.describe(planner.toString());
  }

  @Override
  public String toString() {
    return description();
  }
}
