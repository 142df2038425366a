package io.coreviz.spark;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.MediaCollection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ui.SQLExecutionUIData;
import org.apache.spark.sql.execution.ui.SQLPlanMetric;

/** The reader tests start from: the coreviz source on a local server's collection, with a key. */
public final class TestReads {

  private TestReads() {}

  public static DataFrameReader coreviz(
      SparkSession spark, CoreVizEmulator server, String key, MediaCollection collection) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("apiKey", key)
        .option("collectionId", collection.id());
  }

  public static DataFrameReader coreviz(
      SparkSession spark, LocalServer server, String key, MediaCollection collection) {
    return coreviz(spark, server.get(), key, collection);
  }

  /** The ids a read returns, in the order Spark gives them. */
  public static List<String> ids(DataFrameReader read) {
    return read.load().select("id").collectAsList().stream().map(row -> row.getString(0)).toList();
  }

  /** The named CoreViz SQL metrics of the last execution, e.g. "CoreViz retries" -> "12". */
  public static Map<String, String> lastScanMetrics(SparkSession spark) {
    try {
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not drain", e);
    }
    List<SQLExecutionUIData> executions =
        scala.collection.JavaConverters.seqAsJavaList(
            spark.sharedState().statusStore().executionsList());
    SQLExecutionUIData last = executions.get(executions.size() - 1);
    scala.collection.Map<Object, String> values =
        spark.sharedState().statusStore().executionMetrics(last.executionId());
    Map<String, String> named = new HashMap<>();
    for (SQLPlanMetric metric : scala.collection.JavaConverters.seqAsJavaList(last.metrics())) {
      if (metric.name().startsWith("CoreViz") && values.contains(metric.accumulatorId())) {
        named.put(metric.name(), values.apply(metric.accumulatorId()).replace(",", "").trim());
      }
    }
    return named;
  }
}
