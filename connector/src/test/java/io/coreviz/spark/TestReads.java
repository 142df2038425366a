package io.coreviz.spark;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.MediaCollection;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.SparkSession;

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
}
