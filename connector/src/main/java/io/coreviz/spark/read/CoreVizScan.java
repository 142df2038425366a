package io.coreviz.spark.read;

import io.coreviz.spark.ReadOptions;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.read.planning.PartitionPlanner;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/** A planned read; its description, shown by {@code explain()}, lists the API query it sends. */
final class CoreVizScan implements Scan {

  private final ReadOptions options;
  private final PartitionPlanner planner;
  private CoreVizBatch batch;

  CoreVizScan(ReadOptions options, PartitionPlanner planner) {
    this.options = options;
    this.planner = planner;
  }

  @Override
  public StructType readSchema() {
    return MediaSchema.SCHEMA;
  }

  @Override
  public synchronized Batch toBatch() {
    if (batch == null) {
      batch = new CoreVizBatch(options, planner);
    }
    return batch;
  }

  @Override
  public String description() {
    return "CoreViz "
        + options.endpoint()
        + " GET "
        + options.request().pathAndQuery()
        + " [pageSize="
        + options.pageSize()
        + ", partitioning="
        + planner
        + "]";
  }

  @Override
  public String toString() {
    return description();
  }
}
