package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.clip.ClipScorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A read on a Spark cluster whose two executors are separate JVMs ({@code local-cluster}), so
 * partitions, the reader factory and the options really cross a process boundary.
 *
 * <p>Executors are launched from the Maven test classpath: surefire sets SPARK_HOME (an empty
 * {@code jars/} folder is enough) and SPARK_SCALA_VERSION; without them the driver would wait
 * forever, hence the timeout.
 */
class LocalClusterReadTest {

  private static final String KEY = "sk-cluster-test-7e1b";

  @Test
  void executorsInOtherJvmsReadEveryRowExactlyOnce() throws Exception {
    Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    MediaCollection collection = SyntheticCollection.generate(31, 2_000);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      assertTimeoutPreemptively(
          Duration.ofMinutes(3),
          () -> {
            SparkSession spark =
                SparkSession.builder()
                    .master("local-cluster[2,1,1024]")
                    .appName("LocalClusterReadTest")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.datetime.java8API.enabled", "true")
                    .config(
                        "spark.executor.extraClassPath",
                        System.getProperty("surefire.test.class.path"))
                    .config(
                        "spark.executor.extraJavaOptions",
                        System.getProperty("coreviz.executorJavaOptions", ""))
                    .getOrCreate();
            try {
              Dataset<Row> table =
                  TestReads.coreviz(spark, server, KEY, collection)
                      .option("pageSize", "90")
                      .option("itemsPerPartition", "500")
                      .load();

              assertThat(ExpectedRows.actual(table))
                  .isEqualTo(ExpectedRows.expected(server, collection, collection.items()));
              // Five partitions of 500, rounded up to three waves of the two executors' cores.
              assertThat(table.rdd().getNumPartitions()).isEqualTo(6);
              // The driver plus two executor JVMs took part.
              assertThat(spark.sparkContext().getExecutorMemoryStatus().size()).isEqualTo(3);

              // CLIP on the executors: each JVM starts ONNX Runtime with an executor's long class
              // path and loads the model once; the embeddings are numpy's.
              Path clip = Path.of(getClass().getResource("/clip").toURI());
              List<Row> scored =
                  new ClipScorer()
                      .setModelPath(clip.resolve("optimum").toString())
                      .setImageCol("content")
                      .setEmbeddingCol("embedding")
                      .transform(
                          spark
                              .read()
                              .format("binaryFile")
                              .load(clip.resolve("images").toString())
                              .repartition(2))
                      .collectAsList();
              JsonNode golden =
                  new ObjectMapper().readTree(clip.resolve("optimum/golden.json").toFile());
              assertThat(scored).hasSize(golden.get("images").size() + 1);
              for (JsonNode image : golden.get("images")) {
                String name = image.get("name").asText();
                if (name.endsWith(".jpg")) {
                  continue;
                }
                Row row =
                    scored.stream()
                        .filter(r -> r.<String>getAs("path").endsWith("/" + name))
                        .findFirst()
                        .orElseThrow();
                List<Float> embedding = row.getList(row.fieldIndex("embedding"));
                for (int d = 0; d < embedding.size(); d++) {
                  assertThat(embedding.get(d))
                      .as("%s[%d]", name, d)
                      .isCloseTo((float) image.get("embedding").get(d).asDouble(), within(1e-4f));
                }
              }
              assertThat(scored.stream().filter(r -> r.getAs("clip_error") != null).count())
                  .as("not-an-image.png")
                  .isEqualTo(1);
            } finally {
              SparkTestSession.stop(spark);
            }
          });
    }
  }
}
