package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.image.ImageReads;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The pipeline benchmark's passes over the JPEGs of one size, one path, through {@code ClipScorer},
 * for as many passes as asked: a long, steady run for a profiler to attach to. Prints its process
 * id, then each pass's images per second per core as it ends. See docs/performance.md ("Where a
 * core's time goes") for the commands.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Ppipeline-benchmark verify \
 *   -Dpipeline.main=io.coreviz.examples.PipelineProfile -Dpipeline.args="800x600 reduced 14"
 * </pre>
 *
 * Arguments: the size (one of the benchmark's, landscape, its portrait JPEGs too; default 800x600),
 * the path ({@code default} or {@code reduced}, the default), passes (12; each of as many rows as
 * the benchmark's) and the model directory (the tiny test model).
 */
public final class PipelineProfile {

  private static final int THREADS = 2;

  private PipelineProfile() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[SIZE [PATH [PASSES [MODEL_DIR]]]]", args);
    int[] size = size(arguments.text(0, "800x600"));
    String path = arguments.text(1, "reduced");
    if (!path.equals("default") && !path.equals("reduced")) {
      throw new IllegalArgumentException("path must be default or reduced, not " + path);
    }
    int passes = arguments.number(2, "passes", 1, 12);
    Path model = Paths.get(arguments.text(3, "connector/src/test/resources/clip/optimum"));
    System.out.println(
        "process id "
            + ManagementFactory.getRuntimeMXBean().getPid()
            + "; JPEGs decoded by "
            + ImageReads.jpegDecoder());

    MediaCollection collection = PipelineBenchmark.collection(PipelineBenchmark.IMAGES);
    try (CoreVizEmulator server = PipelineBenchmark.server(collection)) {
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + THREADS + "]")
              .appName("PipelineProfile")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .getOrCreate();
      try {
        Dataset<Row> media = PipelineBenchmark.blobs(spark, server, collection, THREADS);
        List<Object> ids = PipelineBenchmark.jpegIds(collection, size);
        Dataset<Row> jpegs =
            PipelineBenchmark.repeated(media, ids, THREADS, PipelineBenchmark.IMAGES);
        long rows = jpegs.count();
        for (int pass = 0; pass < passes; pass++) {
          PipelineBenchmark.Pass timed =
              PipelineBenchmark.endToEnd(
                  spark,
                  jpegs,
                  model,
                  PipelineBenchmark.BATCH,
                  "ClipScorer",
                  path.equals("reduced"));
          System.out.printf(
              Locale.ROOT,
              "pass %d of %d JPEGs %dx%d, %s path: %.1f images/s per core%n",
              pass + 1,
              rows,
              size[0],
              size[1],
              path,
              rows / timed.seconds() / THREADS);
        }
      } finally {
        spark.stop();
      }
    }
  }

  private static int[] size(String text) {
    List<String> names = new ArrayList<>();
    for (int[] size : PipelineBenchmark.SIZES) {
      names.add(size[0] + "x" + size[1]);
      if (text.equals(names.get(names.size() - 1))) {
        return size;
      }
    }
    throw new IllegalArgumentException(
        "size must be one of " + String.join(", ", names) + ", not " + text);
  }
}
