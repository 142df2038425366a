package io.coreviz.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What a job pays for a read: each reader in a JVM of its own, started for the run, as a nightly
 * job's driver is. Against a local server (in this JVM) with latency added to every request:
 *
 * <ul>
 *   <li><b>whole process</b>: start a JVM, read the collection, exit, timed from outside: the
 *       connector ({@code spark.read.format("coreviz")} to the noop sink, Spark {@code local[2]}
 *       started in the process) against an independent plain client ({@link PlainClient}: the JDK's
 *       HTTP client, 16 requests in flight, a Jackson tree per page);
 *   <li><b>first read</b>: the connector's first read in a JVM whose Spark has already run a query
 *       that does not touch it, against the plain client's first read in its own fresh JVM; the
 *       connector's includes building its HTTP client, so one more row times it with its client
 *       built before the read (a process of its own per run, one read), as the plain client's is,
 *       and two more count the plain client's building of its own in: its HTTP client (the JDK's,
 *       with its TLS context), then Jackson's mapper too (which Spark has loaded in the connector's
 *       JVM before the read);
 *   <li><b>later reads</b>: the fifth read in each of those JVMs.
 * </ul>
 *
 * Beside them, what Spark itself pays on first use of a read of this schema: Spark's own JSON
 * reader on the same items from a local file (no requests at all, the connector's schema given),
 * its first read after a Spark query and its fifth, in a fresh JVM per run; and a data source whose
 * rows are already in memory ({@link RowsInMemory}: no request, no parsing), what Spark pays for
 * any row-based source of this schema, and the connector's first read less that; and the plain
 * client's requests in a Spark source of their own ({@link PlainClientSource}: one planning
 * request, no retries or checks, the connector's rows), what a first read costs a source with
 * nothing of the connector's transport.
 *
 * <p>Every run must return every item. Each row is the median of {@code runs} processes, the
 * readers taking turns. Results go to stdout and {@code target/first-read-benchmark.txt}.
 *
 * <p>{@code -Dfirst.jvm="..."} adds JVM flags to every reader's process alike (the JIT's, for
 * example), and the table's heading names them.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pfirst-read-benchmark verify
 * mvn -B -pl examples -am -DskipTests -Pfirst-read-benchmark verify -Dfirst.args="20000 50 5"
 * mvn -B -pl examples -am -DskipTests -Pfirst-read-benchmark verify -Dfirst.args="20000 50 5" \
 *     -Dfirst.jvm=-XX:TieredStopAtLevel=1
 * </pre>
 */
public final class FirstReadBenchmark {

  static final String KEY = "bench-key";
  static final int PAGE_SIZE = 100;
  static final int IN_FLIGHT = 16;
  static final int READS = 5;

  /** Flags for every reader's JVM alike ({@code -Dfirst.jvm}, split at spaces); none by default. */
  private static final List<String> JVM_FLAGS =
      Arrays.stream(System.getProperty("first.jvm", "").trim().split("\\s+"))
          .filter(flag -> !flag.isEmpty())
          .toList();

  private FirstReadBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments = new BenchmarkArgs("[SIZES [LATENCY_MS [RUNS]]]", args);
    List<Integer> sizes = arguments.numbers(0, "item counts", 1, "20000,100000");
    int latency = arguments.number(1, "milliseconds added per request", 0, 50);
    int runs = arguments.number(2, "processes per reader", 1, 5);
    StringBuilder report = new StringBuilder();
    for (int size : sizes) {
      MediaCollection collection = SyntheticCollection.generate(23, size);
      try (CoreVizEmulator server =
          CoreVizEmulator.builder().collection(collection).credential(KEY).threads(64).start()) {
        server.faults(FaultInjector.latency(Duration.ofMillis(latency)));
        long expected = collection.items().size();
        Path items = itemsFile(server, collection);
        // The server's own warm-up: its sorts and JIT are not what a client pays.
        child(server, collection, "plain", "once");
        Map<String, List<Double>> times = new HashMap<>();
        for (int run = 0; run < runs; run++) {
          for (String reader : List.of("plain", "connector")) {
            Map<String, Double> once = child(server, collection, reader, "once");
            check(once, expected, reader);
            add(times, reader + " process", once.get("process"));
            add(times, reader + " spark", once.getOrDefault("spark", 0.0));
            Map<String, Double> repeat = child(server, collection, reader, "repeat");
            check(repeat, expected, reader);
            add(times, reader + " first", repeat.get("first"));
            // The connector's first read builds its HTTP client; the plain client's is built apart.
            double mapper = repeat.getOrDefault("mapper", 0.0);
            double http = repeat.getOrDefault("http", 0.0);
            add(times, reader + " mapper", mapper);
            add(times, reader + " http", http);
            add(times, reader + " http and first", repeat.get("first") + http);
            add(times, reader + " built and first", repeat.get("first") + mapper + http);
            add(times, reader + " planning", repeat.getOrDefault("planning", 0.0));
            add(times, reader + " later", repeat.get("later"));
          }
          // The connector's first read with its HTTP client built before it, as the plain client's.
          Map<String, Double> prebuilt = child(server, collection, "connector", "prebuilt");
          check(prebuilt, expected, "connector");
          add(times, "connector prebuilt first", prebuilt.get("first"));
          add(times, "connector client", prebuilt.get("client"));
          for (String reader : List.of("spark-json", "memory", "plain-source")) {
            Map<String, Double> repeat = child(server, collection, reader, "repeat", items);
            check(repeat, expected, reader);
            add(times, reader + " first", repeat.get("first"));
            add(times, reader + " later", repeat.get("later"));
          }
        }
        report.append(table(size, expected, latency, runs, times));
      }
    }
    String header =
        String.format(
            Locale.ROOT,
            "First-read benchmark, %s: each reader in a fresh JVM per run, page size %d,"
                + " %d cores, Spark local[2]; plain client: JDK HttpClient, %d in flight, a"
                + " Jackson tree per page; medians%n",
            LocalDate.now(),
            PAGE_SIZE,
            Runtime.getRuntime().availableProcessors(),
            IN_FLIGHT);
    if (!JVM_FLAGS.isEmpty()) {
      header +=
          "Every reader's JVM started with " + String.join(" ", JVM_FLAGS) + System.lineSeparator();
    }
    System.out.print(header + report);
    Path out = Path.of("target", "first-read-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, header + report, StandardCharsets.UTF_8);
  }

  private static void add(Map<String, List<Double>> times, String key, double seconds) {
    times.computeIfAbsent(key, k -> new ArrayList<>()).add(seconds);
  }

  private static void check(Map<String, Double> result, long expected, String reader) {
    if (result.get("items") != expected) {
      throw new IllegalStateException(
          reader + " read " + result.get("items").longValue() + " items of " + expected);
    }
  }

  private static String table(
      int size, long items, int latency, int runs, Map<String, List<Double>> times) {
    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "%n%,d items, %d ms added per request, %d processes per reader%n"
                + "| what a job pays | connector, s | plain client, s | connector / client"
                + " throughput |%n|---|---|---|---|%n",
            items,
            latency,
            runs));
    row(table, "whole process: start, read, exit", times, "process");
    row(table, "first read in a fresh JVM (the connector's after a Spark query)", times, "first");
    row(
        table,
        "the same, each reader's HTTP client built before its read",
        times,
        "prebuilt first",
        "first");
    row(
        table,
        "the same, the plain client's building of its HTTP client counted in",
        times,
        "http and first");
    row(
        table,
        "the same, the plain client's building of its HTTP client and JSON mapper counted in",
        times,
        "built and first");
    row(table, "later reads (the fifth in the JVM)", times, "later");
    table.append(
        String.format(
            Locale.ROOT,
            "The plain client's building in its fresh JVM: its HTTP client (the JDK's, with its TLS"
                + " context) %.2f s, Jackson's mapper %.2f s; in the connector's JVM Spark has"
                + " loaded the mapper before the read. The connector's building of its HTTP client"
                + " (OkHttp's, with its TLS context) after the Spark query: %.2f s%n",
            median(times.get("plain http")),
            median(times.get("plain mapper")),
            median(times.get("connector client"))));
    table.append(
        String.format(
            Locale.ROOT,
            "Planning of the connector's first read: %.2f s (%.0f%% of it); Spark session start in"
                + " its process: %.2f s%n",
            median(times.get("connector planning")),
            100 * median(times.get("connector planning")) / median(times.get("connector first")),
            median(times.get("connector spark"))));
    reference(
        table,
        "Spark's own JSON reader, the same items from a local file (no requests, the connector's"
            + " schema)",
        times,
        "spark-json");
    reference(
        table,
        "A data source whose rows are already in memory (the same items, parsed before Spark"
            + " starts)",
        times,
        "memory");
    reference(
        table,
        "The plain client's requests in a Spark data source of its own (one planning request, no"
            + " retries or checks, rows by the connector's row reader)",
        times,
        "plain-source");
    table.append(
        String.format(
            Locale.ROOT,
            "That source's first read: %.2fx the plain client's; the connector's: %.2fx that"
                + " source's%n",
            median(times.get("plain first")) / median(times.get("plain-source first")),
            median(times.get("plain-source first")) / median(times.get("connector first"))));
    double own = median(times.get("connector first")) - median(times.get("memory first"));
    table.append(
        String.format(
            Locale.ROOT,
            "The connector's first read less the in-memory source's (what Spark pays for any"
                + " row-based source of this schema): %.2f s, %.2fx the plain client's first read%n",
            own,
            median(times.get("plain first")) / own));
    return table.toString();
  }

  /** A reference reader's line: what it is, its median first read and later reads. */
  private static void reference(
      StringBuilder table, String what, Map<String, List<Double>> times, String reader) {
    table.append(
        String.format(
            Locale.ROOT,
            "%s: first read %.2f s, later reads %.2f s%n",
            what,
            median(times.get(reader + " first")),
            median(times.get(reader + " later"))));
  }

  private static void row(
      StringBuilder table, String what, Map<String, List<Double>> times, String key) {
    row(table, what, times, key, key);
  }

  /** A row of the connector's {@code connectorKey} times against the plain client's {@code key}. */
  private static void row(
      StringBuilder table,
      String what,
      Map<String, List<Double>> times,
      String connectorKey,
      String key) {
    double connector = median(times.get("connector " + connectorKey));
    double plain = median(times.get("plain " + key));
    table.append(
        String.format(
            Locale.ROOT,
            "| %s | %.2f | %.2f | %.2fx |%n",
            what,
            connector,
            plain,
            plain / connector));
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /**
   * Every item of the collection as the server sends it, one JSON object per line, in a file for
   * Spark's own JSON reader; fetched once, the same way for every run.
   */
  private static Path itemsFile(CoreVizEmulator server, MediaCollection collection)
      throws Exception {
    Path out = Path.of("target", "first-read-items-" + collection.items().size() + ".jsonl");
    Files.createDirectories(out.getParent());
    HttpClient http = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    long written = 0;
    try (BufferedWriter lines = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      for (boolean more = true; more; ) {
        URI page =
            URI.create(
                server.baseUrl()
                    + "/api/dataset/"
                    + collection.id()
                    + "/media?recursive=true&sortBy=createdAt&sortDirection=asc&limit=1000&offset="
                    + written);
        HttpResponse<byte[]> answer =
            http.send(
                HttpRequest.newBuilder(page).header("x-api-key", KEY).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = json.readTree(answer.body());
        for (JsonNode item : body.get("media")) {
          lines.write(json.writeValueAsString(item));
          lines.newLine();
          written++;
        }
        more = body.get("pagination").get("hasMore").asBoolean() && !body.get("media").isEmpty();
      }
    }
    if (written != collection.items().size()) {
      throw new IllegalStateException(
          "wrote " + written + " items of " + collection.items().size() + " to " + out);
    }
    return out;
  }

  /** Runs one reader in a JVM of its own; its {@code RESULT key=value} lines and process time. */
  private static Map<String, Double> child(
      CoreVizEmulator server, MediaCollection collection, String reader, String mode, Path... items)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(reader, mode, server.baseUrl(), collection.id()));
    for (Path file : items) {
      args.add(file.toAbsolutePath().toString());
    }
    List<String> command = SparkReads.javaCommand("2g", Child.class, args);
    command.addAll(1, JVM_FLAGS);
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    Map<String, Double> result = new HashMap<>();
    List<String> output = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          for (String pair : line.substring(7).split(" ")) {
            String[] kv = pair.split("=");
            result.put(kv[0], Double.parseDouble(kv[1]));
          }
        } else {
          output.add(line);
        }
      }
    }
    int exit = process.waitFor();
    result.put("process", (System.nanoTime() - start) / 1e9);
    if (exit != 0 || !result.containsKey("items")) {
      output.forEach(System.out::println);
      throw new IllegalStateException(reader + " " + mode + " failed (exit " + exit + ")");
    }
    return result;
  }

  /** One reader in its own JVM: prints {@code RESULT} with its times and the items it read. */
  public static final class Child {

    private Child() {}

    /** The items of a file of one JSON item per line as the connector's rows, every column. */
    private static InternalRow[] rows(Path items) throws IOException {
      JsonFactory json = new JsonFactory();
      MediaRowReader reader = new MediaRowReader();
      List<InternalRow> rows = new ArrayList<>();
      for (String line : Files.readAllLines(items, StandardCharsets.UTF_8)) {
        try (JsonParser item = json.createParser(line)) {
          item.nextToken();
          rows.add(reader.read(item));
        }
      }
      return rows.toArray(new InternalRow[0]);
    }

    public static void main(String[] args) throws Exception {
      String reader = args[0];
      boolean once = args[1].equals("once");
      // prebuilt: the Spark query, the connector's HTTP client built, then one read, timed alone
      boolean prebuilt = args[1].equals("prebuilt");
      int reads = once || prebuilt ? 1 : READS;
      String endpoint = args[2];
      String collectionId = args[3];
      if (reader.equals("plain")) {
        // Building its JSON mapper and HTTP client, timed apart: the connector's first read
        // includes building the connector's HTTP client (Spark has loaded Jackson's mapper).
        long building = System.nanoTime();
        new ObjectMapper(); // Jackson's classes, as the client's own mapper would load them
        long mapped = System.nanoTime();
        PlainClient client = new PlainClient(endpoint, KEY, collectionId, PAGE_SIZE, IN_FLIGHT);
        double mapper = (mapped - building) / 1e9;
        double http = (System.nanoTime() - mapped) / 1e9;
        double first = 0;
        long items = 0;
        for (int read = 1; read <= reads; read++) {
          long start = System.nanoTime();
          items = client.readAll();
          double seconds = (System.nanoTime() - start) / 1e9;
          first = read == 1 ? seconds : first;
          if (read == reads) {
            System.out.printf(
                Locale.ROOT,
                "RESULT mapper=%.3f http=%.3f first=%.3f later=%.3f items=%d%n",
                mapper,
                http,
                first,
                seconds,
                items);
          }
        }
        System.exit(0);
      }
      if (reader.equals("memory")) {
        RowsInMemory.rows = rows(Path.of(args[4]));
      }
      long sparkStart = System.nanoTime();
      SparkSession spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("FirstReadBenchmark")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .getOrCreate();
      AtomicLong rows = SparkReads.rowsRead(spark);
      double sparkUp = (System.nanoTime() - sparkStart) / 1e9;
      // The scan's description says what its planning cost: "[planning: 19 requests in 0.14 s]".
      java.util.List<Double> planning = new java.util.concurrent.CopyOnWriteArrayList<>();
      spark
          .listenerManager()
          .register(
              new org.apache.spark.sql.util.QueryExecutionListener() {
                @Override
                public void onSuccess(
                    String name, org.apache.spark.sql.execution.QueryExecution qe, long nanos) {
                  java.util.regex.Matcher cost =
                      java.util.regex.Pattern.compile(
                              "planning: \\d+ requests[^\\]]* in ([\\d.]+) s")
                          .matcher(qe.executedPlan().toString());
                  if (cost.find()) {
                    planning.add(Double.parseDouble(cost.group(1)));
                  }
                }

                @Override
                public void onFailure(
                    String name, org.apache.spark.sql.execution.QueryExecution qe, Exception e) {}
              });
      if (!once) {
        // A Spark query that does not touch the connector: Spark's own first-use costs are paid.
        spark.range(100_000).selectExpr("sum(id)").collect();
      }
      double client = 0;
      if (prebuilt) {
        long building = System.nanoTime();
        HttpClients.shared();
        client = (System.nanoTime() - building) / 1e9;
      }
      double first = 0;
      double seconds = 0;
      for (int read = 1; read <= reads; read++) {
        spark.sparkContext().listenerBus().waitUntilEmpty();
        rows.set(0);
        long start = System.nanoTime();
        if (reader.equals("memory")) {
          spark
              .read()
              .format(RowsInMemory.class.getName())
              .load()
              .write()
              .format("noop")
              .mode("overwrite")
              .save();
        } else if (reader.equals("plain-source")) {
          spark
              .read()
              .format(PlainClientSource.class.getName())
              .option("endpoint", endpoint)
              .option("apiKey", KEY)
              .option("collectionId", collectionId)
              .load()
              .write()
              .format("noop")
              .mode("overwrite")
              .save();
        } else if (reader.equals("spark-json")) {
          spark
              .read()
              .schema(MediaSchema.SCHEMA)
              .json(args[4])
              .write()
              .format("noop")
              .mode("overwrite")
              .save();
        } else {
          SparkReads.toNoop(spark, endpoint, KEY, collectionId);
        }
        seconds = (System.nanoTime() - start) / 1e9;
        first = read == 1 ? seconds : first;
      }
      spark.sparkContext().listenerBus().waitUntilEmpty();
      System.out.printf(
          Locale.ROOT,
          "RESULT spark=%.3f client=%.3f first=%.3f later=%.3f planning=%.3f items=%d%n",
          sparkUp,
          client,
          first,
          seconds,
          planning.isEmpty() ? -1.0 : planning.get(0),
          rows.get());
      spark.stop();
      System.exit(0);
    }
  }
}
