package io.coreviz.examples;

import io.coreviz.spark.clip.ClipScorer;
import org.apache.spark.sql.Row;
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
      // CLIP from the shaded jar: relocated WebP decoder, ONNX Runtime next to it.
      Row scored =
          new ClipScorer()
              .setModelPath(args[3])
              .setImageCol("content")
              .setEmbeddingCol("embedding")
              .transform(spark.read().format("binaryFile").load(args[4]))
              .first();
      System.out.println(
          "clip_error="
              + scored.getAs("clip_error")
              + " embedding="
              + scored.getList(scored.fieldIndex("embedding")));
    } finally {
      spark.stop();
    }
  }
}
