package io.coreviz.spark.read;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.read.planning.PartitionPlanners;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;

/** Builds the scan of one query. */
final class CoreVizScanBuilder implements ScanBuilder {

  private final ReadOptions options;

  CoreVizScanBuilder(ReadOptions options) {
    this.options = options;
  }

  @Override
  public Scan build() {
    return new CoreVizScan(options, PartitionPlanners.forOptions(options));
  }
}
