package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.ClipScorer;
import io.coreviz.spark.clip.ClipSqlFunctions;
import io.coreviz.spark.clip.image.ImageFetcher;
import io.coreviz.spark.clip.image.ImagePreprocessor;
import io.coreviz.spark.clip.image.Workspace;
import io.coreviz.spark.clip.model.ClipMath;
import io.coreviz.spark.clip.model.ClipModel;
import io.coreviz.spark.convert.SparkImage;
import io.coreviz.spark.image.ImageReads;
import io.coreviz.spark.image.PngDecoder;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import okhttp3.HttpUrl;
import org.apache.spark.ml.image.ImageSchema$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * CLIP's image pipeline without the model: with the tiny test model (its inference is almost free),
 * what is left of an end-to-end run is download, decode, resize, normalise and the copy into the
 * batch tensor. Measured in one run on this machine:
 *
 * <ol>
 *   <li>end to end through Spark: {@code spark.read.format("coreviz")} on the local server, then
 *       {@link ClipScorer} writing image embeddings to the noop sink; and the same through the SQL
 *       function {@code clip_embed} in a session with the batching extension; and the JPEGs of the
 *       smallest and the largest size alone, each path, as a long job of such images runs;
 *   <li>the model alone on preprocessed batches already in memory, for its share;
 *   <li>the {@code image} column's decode into Spark's image struct against Spark's own image
 *       source's, on the same bytes;
 *   <li>PNG filters undone by the JDK's reader and the connector's, and each size's JPEG decoded in
 *       full and as the reduced-scale path reads it, one core. The JPEGs are written to {@code
 *       target/pipeline-jpegs/} for {@code examples/src/main/python/pillow_jpeg_decode.py}, which
 *       times Pillow (libjpeg-turbo) on them, its {@code draft} included.
 * </ol>
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Ppipeline-benchmark verify
 * </pre>
 *
 * Arguments: model directory (default: the tiny test model), images (2,000; also the rows of each
 * pass over one size's JPEGs) and threads (the machine's cores). The images are photographs' sizes,
 * 800×600 to 2400×1600, landscape and portrait, half JPEG and half PNG, with a gradient, shapes and
 * per-pixel noise so that they compress like photographs rather than like flat drawings. They are
 * rendered before timing.
 */
public final class PipelineBenchmark {

  /** Width × height of the rendered images, landscape; each is also served as portrait. */
  static final int[][] SIZES = {{800, 600}, {1200, 900}, {1600, 1200}, {2400, 1600}};

  /** Distinct renderings: the items reuse them in turn, so rendering stays a few seconds. */
  private static final int DISTINCT = 80;

  /** Images by default: the collection's items, and the rows of each pass over one size. */
  static final int IMAGES = 2000;

  /** Images per batch the model runs. */
  static final int BATCH = 32;

  /** The local server's API key. */
  private static final String KEY = "bench-key";

  /**
   * This process's CPU time: Spark, the pipeline's threads and the local server all run in it, so
   * images per CPU-second is images per second per core where the cores are the process's alone (a
   * shared machine's other tenants slow the wall clock, not this).
   */
  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[MODEL_DIR [IMAGES [THREADS]]]", args);
    Path model = Paths.get(arguments.text(0, "connector/src/test/resources/clip/optimum"));
    int images = arguments.number(1, "images", 1, IMAGES);
    int threads = arguments.number(2, "threads", 1, Runtime.getRuntime().availableProcessors());

    long renderStart = System.nanoTime();
    MediaCollection collection = collection(images);
    double renderSeconds = (System.nanoTime() - renderStart) / 1e9;

    double raw = raw(model, collection, BATCH, threads);
    StringBuilder report = new StringBuilder();
    line(
        report,
        String.format(
            Locale.ROOT,
            "CLIP pipeline benchmark (%s, %d images over %d distinct renderings of 800x600 to"
                + " 2400x1600, JPEG and PNG, rendered in %.1f s; batch %d; %d threads; %d cores;"
                + " JPEGs decoded by %s)%n",
            model.getFileName(),
            images,
            DISTINCT,
            renderSeconds,
            BATCH,
            threads,
            Runtime.getRuntime().availableProcessors(),
            ImageReads.jpegDecoder()));
    line(
        report,
        String.format(
            Locale.ROOT,
            "the model alone (%d ONNX Runtime threads, batch %d): %.1f images/s%n",
            threads,
            BATCH,
            raw));
    try (CoreVizEmulator server = server(collection)) {
      SparkSession spark =
          SparkSession.builder()
              .master("local[" + threads + "]")
              .appName("PipelineBenchmark")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.sql.extensions", "io.coreviz.spark.catalog.CoreVizExtensions")
              .config("spark.coreviz.clip.modelPath", model.toString())
              .getOrCreate();
      try {
        Dataset<Row> media = blobs(spark, server, collection, threads);
        media.count();
        for (boolean reduced : new boolean[] {false, true}) {
          Split split = split(server, collection, model, reduced);
          line(report, split.text());
          // Overlapped fully, the pipeline and the model only share the cores: one image costs
          // 1 / raw of all the cores plus the pipeline's milliseconds of one core.
          double bound = 1 / (1 / raw + split.msPerImage() / 1000 / threads);
          for (String path : List.of("ClipScorer", "SQL clip_embed")) {
            double seconds = endToEnd(spark, media, model, BATCH, path, reduced).seconds();
            line(
                report,
                String.format(
                    Locale.ROOT,
                    "end to end, %-15s %6.1f images/s, %5.1f per core (%.1f s); %.1f%% of the"
                        + " model alone, %.0f%% of the %.1f images/s that full overlap allows%n",
                    path + ":",
                    images / seconds,
                    images / seconds / threads,
                    seconds,
                    100 * images / seconds / raw,
                    100 * images / seconds / bound,
                    bound));
          }
        }
        for (int[] size : List.of(SIZES[0], SIZES[SIZES.length - 1])) {
          line(
              report,
              jpegsOfOneSize(spark, media, collection, model, BATCH, threads, size, images));
        }
      } finally {
        spark.stop();
      }
    }
    line(report, agreement(collection, model));
    line(report, imageStruct(collection));
    line(report, pngFilters());
    line(report, jpegDecodes());
    Path out = Paths.get("target", "pipeline-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
  }

  /** Appends {@code line} to the report and prints it now, so a long run shows its progress. */
  private static void line(StringBuilder report, String line) {
    report.append(line);
    System.out.print(line);
    System.out.flush();
  }

  /** One core's time per image, as text, and its mean over every image in milliseconds. */
  private record Split(String text, double msPerImage) {}

  /**
   * Where one core's time goes per image, the distinct renderings one after another in this thread:
   * download (the connector's own downloader), decode, then resize, crop and normalise (one step:
   * the normalisation is a table lookup per crop pixel), then the copy into a direct batch buffer.
   */
  private static Split split(
      CoreVizEmulator server, MediaCollection collection, Path model, boolean reduced)
      throws Exception {
    // The pipeline's own downloader, as its tasks use it (OkHttp, the executor's shared pool).
    ImageFetcher fetcher =
        new ImageFetcher(
            HttpUrl.parse(server.baseUrl()),
            Credentials.apiKey(KEY),
            CallPolicy.DEFAULT,
            Duration.ofSeconds(30));
    RequestStats downloads = new RequestStats();
    ImagePreprocessor preprocessor;
    try (ClipModel loaded = ClipModel.load(model, 1, false)) {
      preprocessor = loaded.preprocessor();
    }
    FloatBuffer batchBuffer = ClipModel.directBuffer(preprocessor.tensorSize());
    float[] tensor = new float[preprocessor.tensorSize()];
    Workspace workspace = new Workspace(); // as each of the pipeline's threads has
    // per format and size (landscape and portrait together): download, decode, resize, copy, count
    Map<String, double[]> parts = new java.util.LinkedHashMap<>();
    for (int round = 0; round < 3; round++) { // the first two warm the JIT up
      parts.clear();
      for (int i = 0; i < DISTINCT; i++) {
        MediaItem item = collection.media().get(i);
        int[] size = SIZES[(i / 2) % SIZES.length];
        String key = (i % 2 == 0 ? "JPEG " : "PNG  ") + size[0] + "x" + size[1];
        double[] part = parts.computeIfAbsent(key, k -> new double[5]);
        long t0 = System.nanoTime();
        byte[] bytes = fetcher.fetch(server.blobUrl(collection.id(), item.blobKey()), downloads);
        long t1 = System.nanoTime();
        BufferedImage image = preprocessor.decode(bytes, reduced);
        long t2 = System.nanoTime();
        preprocessor.preprocess(image, tensor, 0, workspace);
        long t3 = System.nanoTime();
        batchBuffer.clear();
        batchBuffer.put(tensor);
        long t4 = System.nanoTime();
        part[0] += t1 - t0;
        part[1] += t2 - t1;
        part[2] += t3 - t2;
        part[3] += t4 - t3;
        part[4]++;
      }
    }
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "one core, %s path, ms per image: download / decode / resize+crop+normalise /"
                    + " copy = total (images/s)%n",
                reduced ? "reduced-scale" : "default"));
    double[] all = rows(parts, out, PipelineBenchmark::row);
    return new Split(out.toString(), (all[0] + all[1] + all[2] + all[3]) / all[4] / 1e6);
  }

  /**
   * The {@code image} column's decode (Spark's image struct) against Spark's own image source's
   * ({@code ImageSchema.decode}, what {@code spark.read.format("image")} runs per file), on the
   * same bytes, one after the other in this thread: ms per image for each and their ratio.
   */
  private static String imageStruct(MediaCollection collection) {
    Map<String, double[]> parts = new java.util.LinkedHashMap<>();
    for (int round = 0; round < 3; round++) { // the first two warm the JIT up
      parts.clear();
      for (int i = 0; i < DISTINCT; i++) {
        byte[] bytes = blob(collection, collection.media().get(i));
        int[] size = SIZES[(i / 2) % SIZES.length];
        String key = (i % 2 == 0 ? "JPEG " : "PNG  ") + size[0] + "x" + size[1];
        double[] part = parts.computeIfAbsent(key, k -> new double[3]);
        long t0 = System.nanoTime();
        if (ImageSchema$.MODULE$.decode("bench", bytes).isEmpty()) {
          throw new IllegalStateException("Spark's image source cannot decode " + key);
        }
        long t1 = System.nanoTime();
        if (SparkImage.decode("bench", bytes) == null) {
          throw new IllegalStateException("the image column cannot decode " + key);
        }
        long t2 = System.nanoTime();
        part[0] += t1 - t0;
        part[1] += t2 - t1;
        part[2]++;
      }
    }
    StringBuilder out =
        new StringBuilder(
            "Spark's image struct, one core, ms per image: Spark's image source's decode /"
                + " the image column's = ratio\n");
    rows(parts, out, PipelineBenchmark::structRow);
    return out.toString();
  }

  /**
   * Appends each key's row, then the row of their sums labelled "all", to {@code out}; returns the
   * sums.
   */
  private static double[] rows(
      Map<String, double[]> parts,
      StringBuilder out,
      java.util.function.BiFunction<String, double[], String> row) {
    double[] all = new double[parts.values().iterator().next().length];
    parts.forEach(
        (key, part) -> {
          for (int k = 0; k < all.length; k++) {
            all[k] += part[k];
          }
          out.append(row.apply(key, part));
        });
    out.append(row.apply("all", all));
    return all;
  }

  private static String structRow(String label, double[] part) {
    return String.format(
        Locale.ROOT,
        "  %-15s %6.2f / %6.2f = %.2fx%n",
        label,
        part[0] / part[2] / 1e6,
        part[1] / part[2] / 1e6,
        part[0] / part[1]);
  }

  private static String row(String label, double[] part) {
    double count = part[4];
    double total = (part[0] + part[1] + part[2] + part[3]) / count / 1e6;
    return String.format(
        Locale.ROOT,
        "  %-15s %6.2f / %6.2f / %6.2f / %5.3f = %6.2f (%.0f)%n",
        label,
        part[0] / count / 1e6,
        part[1] / count / 1e6,
        part[2] / count / 1e6,
        part[3] / count / 1e6,
        total,
        1000 / total);
  }

  /** The model alone: batches of preprocessed images already in memory, all threads. */
  private static double raw(Path directory, MediaCollection collection, int batch, int threads)
      throws Exception {
    try (ClipModel model = ClipModel.load(directory, threads, false)) {
      int size = model.preprocessor().tensorSize();
      float[] pixels = new float[batch * size];
      for (int i = 0; i < batch; i++) {
        MediaItem item = collection.media().get(i % DISTINCT);
        model.preprocessor().preprocess(blob(collection, item), pixels, i * size);
      }
      return SparkReads.modelImagesPerSecond(model, pixels, batch);
    }
  }

  /**
   * How much the reduced-scale path changes what the model sees, on the JPEG renderings (the only
   * images it decodes differently): mean absolute difference of the input tensors in 8-bit levels,
   * and the cosine between the two paths' embeddings (a random-weight model: only a sanity check).
   */
  private static String agreement(MediaCollection collection, Path directory) throws Exception {
    try (ClipModel model = ClipModel.load(directory, 1, false)) {
      ImagePreprocessor preprocessor = model.preprocessor();
      int size = preprocessor.tensorSize();
      double levels = 0;
      double worstCosine = 1;
      double cosines = 0;
      int count = 0;
      for (MediaItem item : collection.media().subList(0, DISTINCT)) {
        if (!collection.blob(item.blobKey()).orElseThrow().contentType().equals("image/jpeg")) {
          continue;
        }
        float[] exact = new float[size];
        float[] reduced = new float[size];
        preprocessor.preprocess(blob(collection, item), exact, 0, false);
        preprocessor.preprocess(blob(collection, item), reduced, 0, true);
        double difference = 0;
        for (int i = 0; i < size; i++) {
          difference += Math.abs(exact[i] - reduced[i]) * 255 * preprocessor.std()[i * 3 / size];
        }
        levels += difference / size;
        float[][] embeddings = model.embedImages(concat(exact, reduced), 2);
        double cosine = ClipMath.cosine(embeddings[0], embeddings[1]);
        worstCosine = Math.min(worstCosine, cosine);
        cosines += cosine;
        count++;
      }
      return String.format(
          Locale.ROOT,
          "reduced-scale vs default on %d JPEGs: mean input difference %.2f levels of 255;"
              + " embedding cosine mean %.4f, lowest %.4f%n",
          count,
          levels / count,
          cosines / count,
          worstCosine);
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private static byte[] blob(MediaCollection collection, MediaItem item) {
    return collection.blob(item.blobKey()).orElseThrow().bytes().get();
  }

  /**
   * A timed pass: its wall time, the CPU time all of this process's threads spent in it, and the
   * part of that the local server's threads spent serving (on a cluster the server is another
   * machine, so an executor's cores pay the rest only).
   */
  record Pass(double seconds, double cpuSeconds, double serverCpuSeconds) {}

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * CPU time of the local server's threads so far, in nanoseconds: its request handlers ({@code
   * coreviz-emulator-*}) and the JDK HTTP server's dispatcher, which accepts connections.
   */
  private static long serverCpuNanos() {
    long nanos = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      String name = thread.getName();
      if (name.startsWith("coreviz-emulator-") || name.equals("HTTP-Dispatcher")) {
        nanos += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
      }
    }
    return nanos;
  }

  /** The time to embed every image of {@code media} one way, after a warm-up on one batch. */
  static Pass endToEnd(
      SparkSession spark, Dataset<Row> media, Path model, int batch, String path, boolean reduced) {
    ClipScorer scorer =
        new ClipScorer()
            .setModelPath(model.toString())
            .setBatchSize(batch)
            .setReducedScaleDecoding(reduced)
            .setEmbeddingCol("embedding");
    if (path.startsWith("SQL")) {
      ClipSqlFunctions.register(spark, scorer);
    }
    for (Dataset<Row> input : List.of(media.limit(batch), media)) {
      long start = System.nanoTime();
      long cpuStart = PROCESS.getProcessCpuTime();
      long serverStart = serverCpuNanos();
      // Both ways as a SELECT list (what the batching extension plans as one batched step), their
      // failures counted in the same query.
      Dataset<Row> embedded =
          path.equals("ClipScorer")
              ? scorer.transform(input).selectExpr("embedding", "clip_error AS e")
              : input.selectExpr("clip_embed(blob) AS embedding", "clip_error(blob) AS e");
      Row counts =
          embedded
              .agg(functions.expr("count_if(e IS NOT NULL)"), functions.expr("count(embedding)"))
              .first();
      if (counts.getLong(0) > 0 || counts.getLong(1) != input.count()) {
        throw new IllegalStateException(
            counts.getLong(0) + " images failed; the figures would be wrong");
      }
      if (input == media) {
        return new Pass(
            (System.nanoTime() - start) / 1e9,
            (PROCESS.getProcessCpuTime() - cpuStart) / 1e9,
            (serverCpuNanos() - serverStart) / 1e9);
      }
    }
    throw new AssertionError();
  }

  /** End-to-end passes over one set of images; the steady rate is the median of the last three. */
  private static final int PASSES = 4;

  /**
   * The JPEGs of one size alone (landscape and portrait), through {@link ClipScorer} both ways:
   * {@value #PASSES} passes of {@code rows} rows each (the size's items repeated), the median of
   * the last three per core, as a long scoring job of such images runs. A pass pays a fixed cost
   * (Spark's job, each task's first batch waiting on its downloads and decodes, about 0.3 s here)
   * that a long job pays once: passes of the 250 items alone halved the rate of 800×600 JPEGs.
   */
  private static String jpegsOfOneSize(
      SparkSession spark,
      Dataset<Row> media,
      MediaCollection collection,
      Path model,
      int batch,
      int threads,
      int[] size,
      int rows) {
    List<Object> ids = jpegIds(collection, size);
    Dataset<Row> jpegs = repeated(media, ids, threads, rows);
    long repeatedRows = jpegs.count();
    StringBuilder text = new StringBuilder();
    for (boolean reduced : new boolean[] {false, true}) {
      double[] rates = new double[PASSES];
      double[] cpuRates = new double[PASSES];
      double[] clientCpuRates = new double[PASSES];
      for (int pass = 0; pass < PASSES; pass++) {
        Pass timed = endToEnd(spark, jpegs, model, batch, "ClipScorer", reduced);
        rates[pass] = repeatedRows / timed.seconds();
        cpuRates[pass] = repeatedRows / timed.cpuSeconds();
        clientCpuRates[pass] = repeatedRows / (timed.cpuSeconds() - timed.serverCpuSeconds());
      }
      text.append(
          String.format(
              Locale.ROOT,
              "end to end, JPEG %dx%d only (%d images, %d per pass), %-21s %5.1f images/s per"
                  + " core, steady (first pass %.1f); %.1f images per CPU-second, %.1f with the"
                  + " local server's threads left out%n",
              size[0],
              size[1],
              ids.size(),
              repeatedRows,
              (reduced ? "reducedScaleDecoding:" : "default path:"),
              SparkReads.steadyRate(rates) / threads,
              rates[0] / threads,
              SparkReads.steadyRate(cpuRates),
              SparkReads.steadyRate(clientCpuRates)));
    }
    jpegs.unpersist();
    return text.toString();
  }

  /** The local server, serving {@code collection} to {@link #KEY}. */
  static CoreVizEmulator server(MediaCollection collection) {
    return CoreVizEmulator.builder()
        .collection(collection)
        .credential(KEY, collection.id())
        .start();
  }

  /** Every item's id and blob, read through the connector, one partition per thread, cached. */
  static Dataset<Row> blobs(
      SparkSession spark, CoreVizEmulator server, MediaCollection collection, int threads) {
    return SparkReads.coreviz(spark, server.baseUrl(), KEY, collection.id())
        .select("id", "blob")
        .repartition(threads)
        .cache();
  }

  /** The ids of {@code collection}'s JPEGs of {@code size} (landscape and portrait). */
  static List<Object> jpegIds(MediaCollection collection, int[] size) {
    List<Object> ids = new ArrayList<>();
    for (int i = 0; i < collection.media().size(); i++) {
      int rendering = i % DISTINCT;
      if (rendering % 2 == 0 && Arrays.equals(SIZES[(rendering / 2) % SIZES.length], size)) {
        ids.add(collection.media().get(i).id());
      }
    }
    return ids;
  }

  /** {@code media}'s rows of {@code ids} repeated to at most {@code rows} rows, cached. */
  static Dataset<Row> repeated(Dataset<Row> media, List<Object> ids, int threads, int rows) {
    Dataset<Row> ofIds = media.where(functions.col("id").isin(ids.toArray()));
    Dataset<Row> repeated = ofIds;
    for (int count = ids.size(); count + ids.size() <= rows; count += ids.size()) {
      repeated = repeated.union(ofIds);
    }
    return repeated.repartition(threads).cache();
  }

  /** {@code count} image items whose blobs cycle through {@link #DISTINCT} renderings. */
  static MediaCollection collection(int count) {
    List<byte[]> renders =
        IntStream.range(0, DISTINCT).parallel().mapToObj(PipelineBenchmark::render).toList();
    MediaCollection source = SyntheticCollection.generate(11, count * 3);
    List<MediaItem> items = new ArrayList<>();
    Map<String, Blob> blobs = new HashMap<>();
    for (MediaItem item : SparkReads.firstImages(source, count)) {
      int i = items.size() % DISTINCT;
      byte[] bytes = renders.get(i);
      String type = i % 2 == 0 ? "image/jpeg" : "image/png";
      blobs.put(item.blobKey(), new Blob(type, () -> bytes));
      int[] size = size(i);
      items.add(item.withDimensions(size[0], size[1]).withSizeBytes(bytes.length));
    }
    return new MediaCollection(source.id(), items, blobs);
  }

  private static int[] size(int i) {
    int[] landscape = SIZES[(i / 2) % SIZES.length];
    return (i / 8) % 2 == 0 ? landscape : new int[] {landscape[1], landscape[0]};
  }

  /** Rendering {@code i}: JPEG when even, PNG when odd. */
  private static byte[] render(int i) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(picture(i), i % 2 == 0 ? "jpg" : "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The picture of rendering {@code i}: a gradient, shapes and per-pixel noise. */
  private static BufferedImage picture(int i) {
    int[] size = size(i);
    int width = size[0];
    int height = size[1];
    Random random = new Random(i);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setPaint(
          new GradientPaint(
              0,
              0,
              new Color(random.nextInt(0xFFFFFF)),
              width,
              height,
              new Color(random.nextInt(0xFFFFFF))));
      g.fillRect(0, 0, width, height);
      for (int shape = 0; shape < 12; shape++) {
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        int w = 1 + random.nextInt(width / 2);
        int h = 1 + random.nextInt(height / 2);
        g.fillOval(random.nextInt(width - w), random.nextInt(height - h), w, h);
      }
    } finally {
      g.dispose();
    }
    int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
    for (int p = 0; p < pixels.length; p++) {
      int noise = random.nextInt(17) - 8;
      int rgb = pixels[p];
      pixels[p] =
          clamp((rgb >> 16 & 0xff) + noise) << 16
              | clamp((rgb >> 8 & 0xff) + noise) << 8
              | clamp((rgb & 0xff) + noise);
    }
    return image;
  }

  /**
   * The JDK's PNG writer filters no row, so the renderings' PNGs never make a decoder undo a
   * filter; libpng and Pillow filter each row of a photograph. One 2400×1600 picture written with
   * every row one filter, decoded by the JDK's reader and by the connector's, one core, fastest of
   * 10 rounds of 3.
   */
  private static String pngFilters() throws Exception {
    BufferedImage picture = picture(2 * (SIZES.length - 1) + 1);
    StringBuilder out =
        new StringBuilder(
            "PNG filters, a 2400x1600 RGB picture, one core, ms per decode: the JDK's reader /"
                + " the connector's\n");
    String[] names = {"None", "Sub", "Up", "Average", "Paeth"};
    for (int filter = 0; filter < names.length; filter++) {
      byte[] png = filteredPng(picture, filter);
      BufferedImage decoded = PngDecoder.read(png);
      for (int x = 0; x < picture.getWidth(); x += 97) {
        int y = x * picture.getHeight() / picture.getWidth();
        if (decoded.getRGB(x, y) != picture.getRGB(x, y)) {
          throw new IllegalStateException("the PNG filtered " + names[filter] + " reads wrong");
        }
      }
      String name = names[filter];
      double[] best =
          fastestMs(
              () -> decoded(ImageIO.read(new ByteArrayInputStream(png)), name),
              () -> decoded(PngDecoder.read(png), name));
      out.append(
          String.format(Locale.ROOT, "  %-8s %7.2f / %6.2f%n", names[filter], best[0], best[1]));
    }
    return out.toString();
  }

  /**
   * What decoding alone costs the reduced-scale path: each size's first JPEG rendering (landscape)
   * decoded in full and as the reduced-scale path reads it, one core, fastest of 10 rounds of 3.
   * The JPEGs are written to {@code target/pipeline-jpegs/} so that other decoders can be timed on
   * the same bytes ({@code examples/src/main/python/pillow_jpeg_decode.py}: Pillow's full decode
   * and its {@code draft}).
   */
  private static String jpegDecodes() throws Exception {
    Path directory = Files.createDirectories(Paths.get("target", "pipeline-jpegs"));
    StringBuilder out =
        new StringBuilder(
            "JPEG decoding, one core, ms per decode: in full / as reducedScaleDecoding reads it"
                + " (files in "
                + directory
                + ")\n");
    for (int k = 0; k < SIZES.length; k++) {
      byte[] jpeg = render(2 * k);
      Files.write(directory.resolve(SIZES[k][0] + "x" + SIZES[k][1] + ".jpg"), jpeg);
      double[] best =
          fastestMs(
              () -> ImagePreprocessor.CLIP.decode(jpeg, false),
              () -> ImagePreprocessor.CLIP.decode(jpeg, true));
      out.append(
          String.format(
              Locale.ROOT,
              "  %4dx%-4d %6d bytes %7.2f / %6.2f%n",
              SIZES[k][0],
              SIZES[k][1],
              jpeg.length,
              best[0],
              best[1]));
    }
    return out.toString();
  }

  /** One decode, timed. */
  private interface Decode {
    void run() throws Exception;
  }

  /**
   * Milliseconds per call of each of {@code decodes} on this thread: the fastest of 10 rounds of 3
   * calls, the decodes taking turns within each round.
   */
  private static double[] fastestMs(Decode... decodes) throws Exception {
    double[] best = new double[decodes.length];
    Arrays.fill(best, Double.MAX_VALUE);
    for (int round = 0; round < 10; round++) {
      for (int d = 0; d < decodes.length; d++) {
        long start = System.nanoTime();
        for (int call = 0; call < 3; call++) {
          decodes[d].run();
        }
        best[d] = Math.min(best[d], (System.nanoTime() - start) / 3e6);
      }
    }
    return best;
  }

  private static void decoded(BufferedImage image, String filter) {
    if (image == null) {
      throw new IllegalStateException("no image from a PNG filtered " + filter);
    }
  }

  /**
   * {@code picture} as an RGB PNG every row of which is filtered with PNG filter {@code filter}.
   */
  private static byte[] filteredPng(BufferedImage picture, int filter) throws IOException {
    int width = picture.getWidth();
    int rowBytes = 3 * width;
    byte[] raw = new byte[picture.getHeight() * (rowBytes + 1)];
    int[] above = new int[rowBytes];
    int[] row = new int[rowBytes];
    for (int y = 0; y < picture.getHeight(); y++) {
      for (int x = 0; x < width; x++) {
        int rgb = picture.getRGB(x, y);
        row[3 * x] = rgb >> 16 & 0xff;
        row[3 * x + 1] = rgb >> 8 & 0xff;
        row[3 * x + 2] = rgb & 0xff;
      }
      int at = y * (rowBytes + 1);
      raw[at] = (byte) filter;
      for (int i = 0; i < rowBytes; i++) {
        int left = i >= 3 ? row[i - 3] : 0;
        int upLeft = i >= 3 ? above[i - 3] : 0;
        int predicted =
            switch (filter) {
              case 0 -> 0;
              case 1 -> left;
              case 2 -> above[i];
              case 3 -> (left + above[i]) >>> 1;
              default -> paeth(left, above[i], upLeft);
            };
        raw[at + 1 + i] = (byte) (row[i] - predicted);
      }
      int[] swap = above;
      above = row;
      row = swap;
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(picture.getHeight());
    chunk(png, "IHDR", header.put(new byte[] {8, 2, 0, 0, 0}).array());
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    try (DeflaterOutputStream deflater = new DeflaterOutputStream(deflated)) {
      deflater.write(raw);
    }
    chunk(png, "IDAT", deflated.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static int paeth(int left, int up, int upLeft) {
    int toLeft = Math.abs(up - upLeft);
    int toUp = Math.abs(left - upLeft);
    int toUpLeft = Math.abs(left + up - 2 * upLeft);
    return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    CRC32 crc = new CRC32();
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(name);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(name);
    png.writeBytes(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static int clamp(int value) {
    return Math.max(0, Math.min(255, value));
  }
}
