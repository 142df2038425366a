package io.coreviz.examples;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** What the benchmarks that run Spark in a JVM of their own share. */
final class SparkReads {

  private SparkReads() {}

  /** A count of the rows {@code spark}'s tasks read from now on, as their input metrics say. */
  static AtomicLong rowsRead(SparkSession spark) {
    AtomicLong rows = new AtomicLong();
    spark
        .sparkContext()
        .addSparkListener(
            new SparkListener() {
              @Override
              public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.taskMetrics() != null) {
                  rows.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
                }
              }
            });
    return rows;
  }

  /** A whole collection read with default options, every column, to Spark's noop sink. */
  static void toNoop(SparkSession spark, String endpoint, String key, String collectionId) {
    spark
        .read()
        .format("coreviz")
        .option("endpoint", endpoint)
        .option("apiKey", key)
        .option("collectionId", collectionId)
        .load()
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
  }
}
