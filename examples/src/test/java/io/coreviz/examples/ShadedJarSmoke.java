package io.coreviz.examples;

import org.apache.spark.sql.SparkSession;

/** Run by {@link ShadedJarTest} in a JVM whose classpath has the shaded jar instead of OkHttp. */
public final class ShadedJarSmoke {

  private ShadedJarSmoke() {}

  public static void main(String[] args) throws Exception {
    try {
      Class.forName("okhttp3.OkHttpClient");
      System.out.println("okhttp3 visible");
    } catch (ClassNotFoundException e) {
      System.out.println("okhttp3 absent");
    }
    System.out.println(
        "connector from "
            + Class.forName("io.coreviz.spark.CoreVizDataSource")
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath());
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("shaded-smoke")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    try {
      int rows =
          spark
              .read()
              .format("coreviz")
              .option("endpoint", args[0])
              .option("apiKey", args[1])
              .option("collectionId", args[2])
              .option("pageSize", "50")
              .load()
              .select("id", "frames")
              .collectAsList()
              .size();
      System.out.println("rows=" + rows);
    } finally {
      spark.stop();
    }
  }
}
