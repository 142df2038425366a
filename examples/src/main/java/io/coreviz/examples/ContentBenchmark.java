package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.sum;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.ImageRenderer;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Downloading a collection's images: the connector's hidden {@code content} column ({@code
 * spark.read.format("coreviz")}, {@code type = 'image'}, {@code id} and {@code content}, every byte
 * summed in Spark) against a plain downloader that shares nothing with it ({@link
 * PlainClient#downloadAll}: the JDK's HTTP client listing the images, then downloading their blobs
 * 16 at a time), against a local server with latency added to every request, pages and blobs alike.
 * Each image's blob is one of 24 pictures rendered once (800x600 JPEGs and PNGs), so the server's
 * rendering is not what is measured. Both must fetch every image's bytes. Then the peak heap of a
 * read of {@code content} in a collection with 100 MB videos.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pcontent-benchmark verify [-Dcontent.args="5000 50 5"]
 * </pre>
 */
public final class ContentBenchmark {

  private static final String KEY = "bench-key";

  private ContentBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[IMAGES [LATENCY_MS [RUNS]]] or videos", args);
    if (arguments.is(0, "videos")) {
      SparkSession spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("ContentBenchmark videos")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .getOrCreate();
      System.out.print(bigVideos(spark));
      spark.stop();
      return;
    }
    int images = arguments.number(0, "images", 1, 5_000);
    int latency = arguments.number(1, "milliseconds added per request", 0, 50);
    int runs = arguments.number(2, "runs", 1, 5);
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("ContentBenchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
    StringBuilder report = new StringBuilder();
    MediaCollection collection = imagesOf(images);
    long count = collection.media().stream().filter(ContentBenchmark::image).count();
    long bytes =
        collection.media().stream()
            .filter(ContentBenchmark::image)
            .mapToLong(MediaItem::sizeBytes)
            .sum();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).threads(64).start()) {
      server.faults(FaultInjector.latency(Duration.ofMillis(latency)));
      PlainClient plain =
          new PlainClient(server.baseUrl(), KEY, collection.id(), 100, 16).with("&type=image");
      connector(spark, server, collection, count, bytes); // warm-up of both
      plain(plain, count, bytes);
      List<Double> connectorSeconds = new ArrayList<>();
      List<Double> plainSeconds = new ArrayList<>();
      for (int run = 0; run < runs; run++) {
        connectorSeconds.add(connector(spark, server, collection, count, bytes));
        plainSeconds.add(plain(plain, count, bytes));
      }
      double c = FirstReadBenchmark.median(connectorSeconds);
      double p = FirstReadBenchmark.median(plainSeconds);
      report.append(
          String.format(
              Locale.ROOT,
              "%n%,d images (%,d MB), %d ms added per request, median of %d runs in turns%n"
                  + "| reader | seconds | images/s | vs plain downloader |%n|---|---|---|---|%n"
                  + "| coreviz, select(\"id\", \"content\") | %.2f | %,.0f | %.2fx |%n"
                  + "| plain downloader, 16 in flight | %.2f | %,.0f | 1.00x |%n",
              count,
              bytes >> 20,
              latency,
              runs,
              c,
              count / c,
              p / c,
              p,
              count / p));
    }
    System.out.print(report);
    spark.stop();
    report.append(videosInASmallHeap());
    String header =
        String.format(
            Locale.ROOT,
            "Content benchmark, %s: %d cores, Spark local[2], a JVM with -Xmx%dm%n",
            LocalDate.now(),
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20);
    System.out.print(header + report);
    Path out = Path.of("target", "content-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, header + report, StandardCharsets.UTF_8);
  }

  /** {@link #bigVideos} in a JVM of its own with a 3 GB heap: what it prints. */
  private static String videosInASmallHeap() throws Exception {
    List<String> command = SparkReads.javaCommand("3g", ContentBenchmark.class, List.of("videos"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      System.out.print(output);
      throw new IllegalStateException("the 100 MB videos' read failed in a 3 GB heap");
    }
    StringBuilder table = new StringBuilder();
    boolean in = false;
    for (String line : output.lines().toList()) {
      in |= line.contains("100 MB videos");
      if (in && !line.contains(" WARN ")) {
        table.append(line).append('\n');
      }
    }
    return "\n" + table;
  }

  private static boolean image(MediaItem item) {
    return MediaItem.IMAGE.equals(item.type());
  }

  /**
   * A generated collection with about {@code images} images, each image's blob one of 24 rendered
   * pictures and its {@code sizeBytes} that picture's length.
   */
  static MediaCollection imagesOf(int images) {
    MediaCollection probe = SyntheticCollection.generate(29, 1_000, 0);
    double share = probe.media().stream().filter(ContentBenchmark::image).count() / 1_000.0;
    MediaCollection collection =
        SyntheticCollection.generate(29, (int) Math.ceil(images / share), 0);
    List<byte[]> pictures = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      pictures.add(ImageRenderer.render(i, 800, 600, i % 2 == 0 ? "jpg" : "png"));
    }
    // A JPEG where the picture is one (the content type is not checked by the column).
    int next = 0;
    for (MediaItem item : List.copyOf(collection.media())) {
      if (image(item)) {
        byte[] picture = pictures.get(next++ % pictures.size());
        collection.remove(item.id());
        collection.add(
            item.withSizeBytes(picture.length).withDimensions(800, 600),
            Map.of(item.blobKey(), new Blob("image/jpeg", () -> picture)));
      }
    }
    return collection;
  }

  private static double connector(
      SparkSession spark,
      CoreVizEmulator server,
      MediaCollection collection,
      long images,
      long bytes) {
    long start = System.nanoTime();
    Row totals =
        spark
            .read()
            .format("coreviz")
            .option("endpoint", server.baseUrl())
            .option("apiKey", KEY)
            .option("collectionId", collection.id())
            .load()
            .filter(col("type").equalTo("image"))
            .select("id", "content")
            .agg(count(col("content")), sum(length(col("content"))))
            .first();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (totals.getLong(0) != images || totals.getLong(1) != bytes) {
      throw new IllegalStateException(
          "the connector read " + totals + "; expected " + images + " images, " + bytes + " B");
    }
    return seconds;
  }

  private static double plain(PlainClient plain, long images, long bytes) throws Exception {
    long start = System.nanoTime();
    long[] totals = plain.downloadAll();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (totals[0] != images || totals[1] != bytes) {
      throw new IllegalStateException(
          "the plain downloader read " + totals[0] + " blobs, " + totals[1] + " B");
    }
    return seconds;
  }

  /**
   * The peak heap of reading {@code content} from a collection of small images and 100 MB videos:
   * with the default {@code maxContentBytes} (64 MiB: the videos are refused unread) and with 128
   * MiB (each task holds the blobs it fetches ahead, {@code maxConcurrentRequests} of them).
   */
  private static String bigVideos(SparkSession spark) throws Exception {
    MediaCollection collection = SyntheticCollection.generate(31, 200, 0);
    byte[] video = new byte[100 << 20];
    Instant after = Instant.parse("2030-01-01T00:00:00Z");
    List<MediaItem> videos =
        collection.media().stream().filter(item -> !image(item)).limit(12).toList();
    for (MediaItem item : videos) {
      collection.remove(item.id());
      collection.add(
          item.withSizeBytes(video.length).withCreatedAt(after),
          Map.of(item.blobKey(), new Blob("video/mp4", () -> video)));
    }
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n%d items, %d of them 100 MB videos, read in a JVM of its own with -Xmx%dm (the"
                    + " local server in it too); heap sampled every 20 ms%n"
                    + "| maxContentBytes | rows with content | too_large | seconds | peak heap"
                    + " used, MB |%n|---|---|---|---|---|%n",
                collection.items().size(),
                videos.size(),
                Runtime.getRuntime().maxMemory() >> 20));
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      for (int limit : new int[] {64 << 20, 128 << 20}) {
        System.gc();
        SparkReads.HeapPeak peak = new SparkReads.HeapPeak();
        long start = System.nanoTime();
        Row totals =
            spark
                .read()
                .format("coreviz")
                .option("endpoint", server.baseUrl())
                .option("apiKey", KEY)
                .option("collectionId", collection.id())
                .option("maxContentBytes", String.valueOf(limit))
                .load()
                .select("id", "content", "content_error")
                .agg(count(col("content")), count_if(col("content_error").startsWith("too_large")))
                .first();
        double seconds = (System.nanoTime() - start) / 1e9;
        peak.close();
        text.append(
            String.format(
                Locale.ROOT,
                "| %d MiB | %d | %d | %.1f | %d |%n",
                limit >> 20,
                totals.getLong(0),
                totals.getLong(1),
                seconds,
                peak.bytes() >> 20));
      }
    }
    return text.toString();
  }
}
