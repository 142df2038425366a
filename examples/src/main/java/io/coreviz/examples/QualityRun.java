package io.coreviz.examples;

import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * What every stage of one quality run shares: the session, the run's settings, its id and start,
 * and the progress it prints.
 */
record QualityRun(
    SparkSession spark,
    QualityJob.Settings settings,
    String runId,
    Timestamp at,
    Progress progress) {

  QualityHistory history() {
    return settings.history();
  }

  /** The coreviz source's options: endpoint, credentials, collection, filters. */
  Map<String, String> options() {
    return settings.options();
  }

  boolean full() {
    return settings.full();
  }

  String mode() {
    return full() ? "full" : "incremental";
  }
}
