package io.coreviz.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;

/**
 * CPU cost of turning CoreViz items into Spark rows: the connector's row reader against Spark's own
 * JSON reader ({@code spark.read.schema(...).json(...)}) on the same item bytes, one thread each,
 * in rows per CPU-second. The items are the local server's answers, one JSON object per line; the
 * connector's reader parses each line as it parses an item of a page, Spark's reader reads the file
 * with the connector's schema in a {@code local[1]} session to the noop sink, and its CPU time is
 * the tasks' executor CPU time. Each reader runs once to warm up, then {@code rounds} times; the
 * best round counts. Results go to stdout and {@code target/conversion-benchmark.txt}.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pconversion-benchmark verify
 * </pre>
 */
public final class ConversionBenchmark {

  private static final String KEY = "bench-key";

  private ConversionBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[ITEMS [ROUNDS]]", args);
    int items = arguments.number(0, "items", 1, 20_000);
    int rounds = arguments.number(1, "rounds", 1, 5);
    List<byte[]> lines = items(SyntheticCollection.generate(23, items));
    Path file = Path.of("target", "conversion-items.jsonl");
    Files.createDirectories(file.getParent());
    try (var out = Files.newOutputStream(file)) {
      for (byte[] line : lines) {
        out.write(line);
        out.write('\n');
      }
    }
    long bytes = Files.size(file);

    double connector = 0;
    for (int round = 0; round <= rounds; round++) {
      double rate = connector(lines);
      connector = round == 0 ? 0 : Math.max(connector, rate);
    }
    double spark = 0;
    SparkSession session =
        SparkSession.builder()
            .master("local[1]")
            .appName("ConversionBenchmark")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.files.maxPartitionBytes", String.valueOf(bytes + 1))
            .getOrCreate();
    try {
      for (int round = 0; round <= rounds; round++) {
        double rate = spark(session, file, lines.size());
        spark = round == 0 ? 0 : Math.max(spark, rate);
      }
    } finally {
      session.stop();
    }
    String report =
        String.format(
            Locale.ROOT,
            "Conversion benchmark, %s: %,d items (%,d bytes of JSON), %d cores, best of %d rounds%n"
                + "| reader | rows per CPU-second | vs Spark's JSON reader |%n"
                + "|---|---|---|%n"
                + "| connector's row reader | %,.0f | %.2fx |%n"
                + "| spark.read.schema(...).json(...) | %,.0f | 1.00x |%n",
            LocalDate.now(),
            lines.size(),
            bytes,
            Runtime.getRuntime().availableProcessors(),
            rounds,
            connector,
            connector / spark,
            spark);
    System.out.print(report);
    Files.writeString(
        Path.of("target", "conversion-benchmark.txt"), report, StandardCharsets.UTF_8);
  }

  /** Every item of {@code collection} as the local server sends it, one JSON object each. */
  private static List<byte[]> items(MediaCollection collection) throws Exception {
    ObjectMapper json = new ObjectMapper();
    HttpClient http = HttpClient.newHttpClient();
    List<byte[]> lines = new ArrayList<>();
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      for (int offset = 0; ; offset += 100) {
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create(
                        server.baseUrl()
                            + "/api/dataset/"
                            + collection.id()
                            + "/media?recursive=true&limit=100&offset="
                            + offset))
                .header("x-api-key", KEY)
                .build();
        JsonNode page =
            json.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode item : page.get("media")) {
          lines.add(json.writeValueAsBytes(item));
        }
        if (page.get("media").isEmpty() || !page.at("/pagination/hasMore").asBoolean()) {
          return lines;
        }
      }
    }
  }

  /** Rows per CPU-second of the connector's reader over {@code lines}, on this thread. */
  private static double connector(List<byte[]> lines) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    JsonFactory factory = new JsonFactory();
    MediaRowReader rows = new MediaRowReader();
    // As a scan's rows go on in Spark: into its binary row format, as the JSON reader's do.
    UnsafeProjection unsafe = UnsafeProjection.create(MediaSchema.SCHEMA);
    long read = 0;
    long start = threads.getCurrentThreadCpuTime();
    for (byte[] line : lines) {
      try (JsonParser parser = factory.createParser(line)) {
        parser.nextToken();
        if (unsafe.apply(rows.read(parser)).getSizeInBytes() > 0) {
          read++;
        }
      }
    }
    long cpu = threads.getCurrentThreadCpuTime() - start;
    check("connector", read, lines.size());
    return read / (cpu / 1e9);
  }

  /** Rows per CPU-second of Spark's JSON reader over {@code file}: its tasks' CPU time. */
  private static double spark(SparkSession session, Path file, long expected) throws Exception {
    AtomicLong cpu = new AtomicLong();
    AtomicLong read = new AtomicLong();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
              cpu.addAndGet(end.taskMetrics().executorCpuTime());
              read.addAndGet(end.taskMetrics().inputMetrics().recordsRead());
            }
          }
        };
    session.sparkContext().addSparkListener(listener);
    try {
      session
          .read()
          .schema(MediaSchema.SCHEMA)
          .json(file.toString())
          .write()
          .format("noop")
          .mode("overwrite")
          .save();
      session.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      session.sparkContext().removeSparkListener(listener);
    }
    check("Spark's JSON reader", read.get(), expected);
    return read.get() / (cpu.get() / 1e9);
  }

  private static void check(String reader, long read, long expected) {
    if (read != expected) {
      throw new IllegalStateException(reader + " read " + read + " rows of " + expected);
    }
  }
}
