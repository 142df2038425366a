package io.coreviz.examples;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session the examples' tests share: local[2], Delta Lake configured for small tables.
 */
final class TestSessions {

  private TestSessions() {}

  static SparkSession withDelta(String appName) {
    return QualityJob.withDelta(SparkSession.builder())
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        // Small Delta tables: one snapshot partition, no per-file statistics to collect.
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.databricks.delta.stats.collect", "false")
        .getOrCreate();
  }
}
