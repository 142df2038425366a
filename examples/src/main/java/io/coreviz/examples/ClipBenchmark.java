package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.clip.ClipScorer;
import io.coreviz.spark.clip.image.UndecodableImageException;
import io.coreviz.spark.clip.model.ClipModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * CLIP throughput, measured in one run on this machine:
 *
 * <ol>
 *   <li>raw ONNX Runtime: the vision tower alone on preprocessed batches already in memory, one
 *       batch at a time on all the threads, and as Spark's tasks run it: one batch per thread at
 *       once, one ONNX Runtime thread each;
 *   <li>end to end: {@code spark.read.format("coreviz")} on the local server, then {@link
 *       ClipScorer} (download, decode, preprocess, infer) writing image embeddings to Spark's noop
 *       sink, {@value #PASSES} times over the same images: the first pass is what an executor's
 *       first images pay (the JIT compiles the pipeline while it runs), the median of the last
 *       three what a long scoring job runs at.
 * </ol>
 *
 * <pre>
 * /usr/bin/python3 connector/src/test/python/make_tiny_clip.py --vit-b32 target/clip-vit-b32
 * mvn -B -pl examples -am -DskipTests -Pclip-benchmark verify -Dbench.args="target/clip-vit-b32"
 * </pre>
 *
 * Arguments: model directory, then optionally images (default 384), batch size (32) and threads
 * (the machine's cores): the raw run uses that many ONNX Runtime threads in one session run; Spark
 * runs that many tasks, each with the scorer's default of one ONNX Runtime thread per task. The
 * model is a random-weight network with ViT-B/32's shape: the speed is the real model's, the scores
 * are meaningless. Blobs are rendered before timing so the local server's own image encoding is not
 * counted against the scorer.
 */
public final class ClipBenchmark {

  /** End-to-end passes over the images; the steady rate is the median of the last three. */
  private static final int PASSES = 6;

  private ClipBenchmark() {}

  public static void main(String[] args) throws Exception {
    String usage = "MODEL_DIR [IMAGES [BATCH [THREADS]]]";
    BenchmarkArgs arguments = new BenchmarkArgs(usage, args);
    if (!arguments.has(0)) {
      System.err.println("usage: ClipBenchmark " + usage);
      System.exit(2);
    }
    Path model = Paths.get(args[0]);
    int images = arguments.number(1, "images", 1, 384);
    int batch = arguments.number(2, "batch", 1, 32);
    int threads = arguments.number(3, "threads", 1, Runtime.getRuntime().availableProcessors());

    MediaCollection collection = prerendered(SyntheticCollection.generate(7, images * 2), images);
    // The machine is shared and noisy: raw runs before and after the Spark run, and their mean
    // is the reference.
    double rawBefore = rawImagesPerSecond(model, collection, batch, threads, false);
    double tasksBefore = rawImagesPerSecond(model, collection, batch, threads, true);
    double[] endToEnd;
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(collection)
            .credential("bench-key", collection.id())
            .start()) {
      endToEnd = sparkImagesPerSecond(server, collection, model, batch, threads, images);
    }
    double rawAfter = rawImagesPerSecond(model, collection, batch, threads, false);
    double tasksAfter = rawImagesPerSecond(model, collection, batch, threads, true);
    double raw = (rawBefore + rawAfter) / 2;
    double tasks = (tasksBefore + tasksAfter) / 2;
    double first = endToEnd[0];
    double steady = SparkReads.steadyRate(endToEnd);
    String report =
        String.format(
            Locale.ROOT,
            "CLIP benchmark (%s, %d images, batch %d, %d threads, %d cores)%n"
                + "raw ONNX Runtime vision tower, one batch at a time on %d threads: %.1f images/s"
                + " (%.1f before, %.1f after)%n"
                + "raw, %d batches at once on one thread each, as Spark's tasks run it: %.1f"
                + " images/s (%.1f before, %.1f after)%n"
                + "end to end through Spark, first pass: %.1f images/s (%.0f%% of raw, %.0f%% of"
                + " raw as the tasks run it)%n"
                + "end to end through Spark, steady:     %.1f images/s (%.0f%%, %.0f%%; median of"
                + " passes %d to %d: %s)%n",
            model.getFileName(),
            images,
            batch,
            threads,
            Runtime.getRuntime().availableProcessors(),
            threads,
            raw,
            rawBefore,
            rawAfter,
            threads,
            tasks,
            tasksBefore,
            tasksAfter,
            first,
            100 * first / raw,
            100 * first / tasks,
            steady,
            100 * steady / raw,
            100 * steady / tasks,
            PASSES - 2,
            PASSES,
            rates(endToEnd));
    System.out.print(report);
    Path out = Paths.get("target", "clip-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
  }

  /** The first {@code count} images of {@code source}, their bytes rendered once up front. */
  private static MediaCollection prerendered(MediaCollection source, int count) {
    List<MediaItem> items = SparkReads.firstImages(source, count);
    Map<String, Blob> blobs = new HashMap<>();
    for (MediaItem item : items) {
      Blob blob = source.blob(item.blobKey()).orElseThrow();
      byte[] bytes = blob.bytes().get();
      blobs.put(item.blobKey(), new Blob(blob.contentType(), () -> bytes));
    }
    return new MediaCollection(source.id(), items, blobs);
  }

  /**
   * The vision tower alone on one preprocessed batch: one batch at a time on {@code threads} ONNX
   * Runtime threads, or ({@code asTasks}) {@code threads} batches at once on one thread each, as
   * Spark's tasks share the executor's session.
   */
  private static double rawImagesPerSecond(
      Path directory, MediaCollection collection, int batch, int threads, boolean asTasks)
      throws UndecodableImageException, InterruptedException, ExecutionException {
    try (ClipModel model = ClipModel.load(directory, asTasks ? 1 : threads, false)) {
      int size = model.preprocessor().tensorSize();
      float[] pixels = new float[batch * size];
      List<MediaItem> items = collection.media();
      for (int i = 0; i < batch; i++) {
        byte[] bytes =
            collection.blob(items.get(i % items.size()).blobKey()).orElseThrow().bytes().get();
        model.preprocessor().preprocess(bytes, pixels, i * size);
      }
      if (!asTasks) {
        return SparkReads.modelImagesPerSecond(model, pixels, batch);
      }
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<Double>> runs = new ArrayList<>();
        for (int task = 0; task < threads; task++) {
          runs.add(pool.submit(() -> SparkReads.modelImagesPerSecond(model, pixels, batch)));
        }
        double total = 0;
        for (Future<Double> run : runs) {
          total += run.get();
        }
        return total;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static String rates(double[] passes) {
    return Arrays.stream(passes)
        .mapToObj(pass -> String.format(Locale.ROOT, "%.1f", pass))
        .collect(Collectors.joining(", ", "every pass ", ""));
  }

  /** Images per second of each end-to-end pass, in order. */
  private static double[] sparkImagesPerSecond(
      CoreVizEmulator server,
      MediaCollection collection,
      Path model,
      int batch,
      int threads,
      int images)
      throws IOException {
    SparkSession spark =
        SparkSession.builder()
            .master("local[" + threads + "]")
            .appName("ClipBenchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
    try {
      ClipScorer scorer =
          new ClipScorer()
              .setModelPath(model.toString())
              .setBatchSize(batch)
              .setEmbeddingCol("embedding");
      Dataset<Row> media =
          SparkReads.coreviz(spark, server.baseUrl(), "bench-key", collection.id())
              .select("id", "blob");
      // Warm-up: loads the model into this JVM's cache, as a long-running executor has it.
      scorer.transform(media.limit(batch)).write().format("noop").mode("overwrite").save();
      double[] rates = new double[PASSES];
      for (int pass = 0; pass < PASSES; pass++) {
        long start = System.nanoTime();
        Dataset<Row> scored = scorer.transform(media.repartition(threads));
        scored.write().format("noop").mode("overwrite").save();
        rates[pass] = images / ((System.nanoTime() - start) / 1e9);
      }
      long failed = scorer.failedRows();
      if (failed > 0) {
        throw new IllegalStateException(failed + " images failed; the figures would be wrong");
      }
      return rates;
    } finally {
      spark.stop();
    }
  }
}
