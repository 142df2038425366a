package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Memory of a large scan: {@code items} items (default 1,000,000) read with default options, all
 * columns, to Spark's noop sink, by Spark {@code local[2]} in a JVM of its own with a 512 MB heap
 * ({@code -Xmx512m}); the local server runs in this JVM. The Spark JVM samples its used heap every
 * 20 ms and reports the peak, the time its collectors took and the rows Spark read (which must be
 * every item). Results go to stdout and {@code target/memory-benchmark.txt}. With {@code stream N}
 * (N 100,000 where left out), it times a stream's first run instead ({@code Trigger.AvailableNow},
 * {@code maxItemsPerTrigger} N, to the noop sink) and counts its micro-batches; results go to
 * {@code target/memory-benchmark-stream.txt}.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pmemory-benchmark verify
 * mvn -B -pl examples -am -DskipTests -Pmemory-benchmark verify -Dmemory.args=200000
 * mvn -B -pl examples -am -DskipTests -Pmemory-benchmark verify -Dmemory.args="1000000 stream 100000"
 * </pre>
 */
public final class MemoryBenchmark {

  private static final String KEY = "bench-key";
  private static final String HEAP = "512m";

  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[ITEMS [stream ITEMS_PER_TRIGGER]]", args);
    int items = arguments.number(0, "items", 1, 1_000_000);
    // "stream N": a first streaming run (AvailableNow) with maxItemsPerTrigger N instead.
    String perTrigger =
        arguments.is(1, "stream")
            ? Integer.toString(arguments.number(2, "items per trigger", 1, 100_000))
            : null;
    long generating = System.nanoTime();
    MediaCollection collection = SyntheticCollection.generate(29, items);
    double generated = (System.nanoTime() - generating) / 1e9;
    String result;
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      List<String> sideArgs =
          new ArrayList<>(
              List.of(
                  server.baseUrl(), collection.id(), String.valueOf(collection.items().size())));
      if (perTrigger != null) {
        sideArgs.add(perTrigger);
      }
      List<String> command = SparkReads.javaCommand(HEAP, SparkSide.class, sideArgs);
      Process spark = new ProcessBuilder(command).redirectErrorStream(true).start();
      StringBuilder rows = new StringBuilder();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(spark.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith("RESULT ")) {
            rows.append(line.substring("RESULT ".length())).append('\n');
          } else if (line.contains("ERROR") || line.contains("OutOfMemoryError")) {
            System.out.println(line);
          }
        }
      }
      int exit = spark.waitFor();
      if (exit != 0 || rows.isEmpty()) {
        throw new IllegalStateException("the Spark JVM failed (exit " + exit + ")");
      }
      result = rows.toString();
    }
    String report =
        String.format(
            Locale.ROOT,
            "Memory benchmark, %s: %,d items (generated in %.0f s), %s, Spark local[2] with -Xmx%s,"
                + " %d cores%n%s",
            LocalDate.now(),
            collection.items().size(),
            generated,
            perTrigger == null
                ? "a batch read"
                : "a first streaming run (AvailableNow, maxItemsPerTrigger " + perTrigger + ")",
            HEAP,
            Runtime.getRuntime().availableProcessors(),
            result);
    System.out.print(report);
    Path out =
        Path.of(
            "target", perTrigger == null ? "memory-benchmark.txt" : "memory-benchmark-stream.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
  }

  /** The Spark JVM: reads the collection and prints one {@code RESULT} line. */
  public static final class SparkSide {

    private SparkSide() {}

    public static void main(String[] args) throws Exception {
      String endpoint = args[0];
      String collectionId = args[1];
      long expected = Long.parseLong(args[2]);
      MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
      SparkReads.HeapPeak peak = new SparkReads.HeapPeak();
      SparkSession session =
          SparkSession.builder()
              .master("local[2]")
              .appName("MemoryBenchmark")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .getOrCreate();
      AtomicLong rows = SparkReads.rowsRead(session);
      long gcBefore = gcMillis();
      long start = System.nanoTime();
      String batches = "";
      if (args.length > 3) {
        StreamingQuery query =
            session
                .readStream()
                .format("coreviz")
                .option("endpoint", endpoint)
                .option("apiKey", KEY)
                .option("collectionId", collectionId)
                .option("maxItemsPerTrigger", args[3])
                .load()
                .writeStream()
                .format("noop")
                .option(
                    "checkpointLocation",
                    Files.createTempDirectory("memory-benchmark-checkpoint").toString())
                .trigger(Trigger.AvailableNow())
                .start();
        query.awaitTermination();
        batches =
            " | "
                + java.util.Arrays.stream(query.recentProgress())
                    .filter(progress -> progress.numInputRows() > 0)
                    .count();
      } else {
        SparkReads.toNoop(session, endpoint, KEY, collectionId);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      session.sparkContext().listenerBus().waitUntilEmpty();
      long gc = gcMillis() - gcBefore;
      peak.close();
      if (rows.get() != expected) {
        throw new IllegalStateException("read " + rows.get() + " rows of " + expected);
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT | rows read | seconds | items/s | peak heap used | heap max | GC time |%s%n"
              + "RESULT |---|---|---|---|---|---|%s%n"
              + "RESULT | %,d | %.1f | %,.0f | %,d MB | %,d MB | %.1f s (%.0f%% of the scan)%s |%n",
          batches.isEmpty() ? "" : " micro-batches |",
          batches.isEmpty() ? "" : "---|",
          rows.get(),
          seconds,
          rows.get() / seconds,
          peak.bytes() >> 20,
          memory.getHeapMemoryUsage().getMax() >> 20,
          gc / 1e3,
          100 * gc / 1e3 / seconds,
          batches);
      session.stop();
    }

    private static long gcMillis() {
      return ManagementFactory.getGarbageCollectorMXBeans().stream()
          .mapToLong(GarbageCollectorMXBean::getCollectionTime)
          .sum();
    }
  }
}
