package io.coreviz.spark;

import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test class: {@code local[2]}, no UI, java.time values in rows. */
public final class SparkTestSession {

  private SparkTestSession() {}

  /**
   * Spark's redaction extended to {@code apikey}, as README asks of clusters that keep a key in a
   * Spark setting (the connector refuses such a key otherwise).
   */
  public static final String REDACTION =
      io.coreviz.spark.options.SparkRedaction.DEFAULT_REGEX + "|apikey";

  public static SparkSession start(String appName) {
    return start(appName, java.util.Map.of());
  }

  /** With extra (e.g. static) settings, which must be known before the session starts. */
  public static SparkSession start(String appName, java.util.Map<String, String> extra) {
    SparkSession.Builder builder = SparkSession.builder();
    extra.forEach(builder::config);
    return builder
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.streaming.checkpointFileManagerClass", fileSystemCheckpoints())
        .getOrCreate();
  }

  /**
   * Spark's checkpoint manager on Hadoop's FileSystem API, for the streams' offset, commit and sink
   * logs in local temporary folders: Spark's default, on the FileContext API, took about 100 ms per
   * file written on this project's machines, this one about 25 (a rename is atomic on a local disk
   * either way). Its package moved in Spark 4.1.
   */
  private static String fileSystemCheckpoints() {
    for (String name :
        new String[] {
          "org.apache.spark.sql.execution.streaming.checkpointing"
              + ".FileSystemBasedCheckpointFileManager",
          "org.apache.spark.sql.execution.streaming.FileSystemBasedCheckpointFileManager"
        }) {
      try {
        return Class.forName(name).getName();
      } catch (ClassNotFoundException e) {
        // the other line's package
      }
    }
    throw new IllegalStateException("no FileSystemBasedCheckpointFileManager in this Spark");
  }

  public static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
      SparkSession.clearActiveSession();
      SparkSession.clearDefaultSession();
    }
  }
}
