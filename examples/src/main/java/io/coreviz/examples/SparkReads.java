package io.coreviz.examples;

import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.clip.model.ClipModel;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * The command that starts {@code main} in a JVM of its own with {@code heap} (e.g. {@code 2g}),
   * this JVM's {@code --add-opens} and {@code -D} settings and class path, and {@code args}.
   */
  static List<String> javaCommand(String heap, Class<?> main, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(argument -> argument.startsWith("--add-") || argument.startsWith("-D"))
            .toList());
    command.add("-Xmx" + heap);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(args);
    return command;
  }

  /**
   * The most heap used while it runs, sampled every 20 ms in a daemon thread until closed: in a
   * small heap, close to what a read needs; in a large one, garbage not yet collected included.
   */
  static final class HeapPeak implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final Thread sampler;

    HeapPeak() {
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      sampler =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                  try {
                    Thread.sleep(20);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.setDaemon(true);
      sampler.start();
    }

    /** The peak so far, in bytes. */
    long bytes() {
      return peak.get();
    }

    @Override
    public void close() {
      sampler.interrupt();
    }
  }

  /** A whole collection read with default options, every column, to Spark's noop sink. */
  static void toNoop(SparkSession spark, String endpoint, String key, String collectionId) {
    coreviz(spark, endpoint, key, collectionId).write().format("noop").mode("overwrite").save();
  }

  /** {@code spark.read.format("coreviz")} of a collection with default options. */
  static Dataset<Row> coreviz(
      SparkSession spark, String endpoint, String key, String collectionId) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", endpoint)
        .option("apiKey", key)
        .option("collectionId", collectionId)
        .load();
  }

  /**
   * Images per second {@code model} embeds the {@code batch} images prepared in {@code pixels} at,
   * after one warm-up run: at least 3 runs and 10 seconds (a real-sized model takes over a second
   * per batch on a CPU, the tiny test model a few milliseconds). The batch goes to ONNX Runtime as
   * the scorer hands it over, in a direct buffer filled once, so the time is the model's alone.
   */
  static double modelImagesPerSecond(ClipModel model, float[] pixels, int batch) {
    FloatBuffer direct = ClipModel.directBuffer(pixels.length).put(pixels).flip();
    model.embedImages(direct.duplicate(), batch);
    int runs = 0;
    long start = System.nanoTime();
    while (runs < 3 || System.nanoTime() - start < 10_000_000_000L) {
      model.embedImages(direct.duplicate(), batch);
      runs++;
    }
    return runs * batch / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * The steady rate of repeated passes over the same images: the median of the last three, after
   * the first passes have paid the JVM's start (heap pages touched for the first time, the JIT).
   */
  static double steadyRate(double[] passes) {
    double[] last = Arrays.copyOfRange(passes, passes.length - 3, passes.length);
    Arrays.sort(last);
    return last[1];
  }

  /** The first {@code count} images of {@code source} that have a blob; fails if it has fewer. */
  static List<MediaItem> firstImages(MediaCollection source, int count) {
    List<MediaItem> images =
        source.media().stream()
            .filter(item -> MediaItem.IMAGE.equals(item.type()) && item.blobKey() != null)
            .limit(count)
            .toList();
    if (images.size() < count) {
      throw new IllegalStateException("only " + images.size() + " images generated");
    }
    return images;
  }
}
