package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.CoreVizDataSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * How fast a whole collection is read, against the local server with added latency per request,
 * each reader in one run on this machine:
 *
 * <ol>
 *   <li>{@code spark.read.format("coreviz")} with default options on {@code local[2]}, all columns
 *       to Spark's noop sink: a first read (a server it has not seen), later reads, and later reads
 *       with {@code reusePlans=false} (every plan planned afresh); its planning (the scan's probes)
 *       is also timed on its own: the read's first plan (a server it has not seen), later ones with
 *       {@code reusePlans=false} (two rounds of probes each), and later ones with defaults, which
 *       count the first plan's date windows in their first round;
 *   <li>a naive script: one request at a time, paging by offset;
 *   <li>a plain client with N requests in flight over the offset pages (2, and 16).
 * </ol>
 *
 * The script and the plain client are {@link PlainClient}: the JDK's HTTP client with its own
 * connection pool and a Jackson tree per page, sharing nothing with the connector. Every reader
 * must return every item. Each latency has a local server of its own, as another service would be.
 * Results go to stdout and {@code target/scan-benchmark.txt}.
 *
 * <pre>
 * mvn -B -pl examples -am -DskipTests -Pscan-benchmark verify
 * mvn -B -pl examples -am -DskipTests -Pscan-benchmark verify -Dscan.args="20000 0,50,200"
 * mvn -B -pl examples -am -DskipTests -Pscan-benchmark verify -Dscan.args="20000 50 scored"
 * </pre>
 *
 * With {@code scored}, it times a search instead ({@link #SEARCH}, which nearly every item
 * matches): the connector's scored read against the naive script and the plain client over the same
 * query's offset pages.
 */
public final class ScanBenchmark {

  private static final String KEY = "bench-key";
  private static final int PAGE_SIZE = 100;
  private static final int REPEATS = 5;

  private ScanBenchmark() {}

  /** One reader's run: items read, seconds, requests sent. */
  private record Run(String reader, long items, double seconds, long requests) {
    double itemsPerSecond() {
      return items / seconds;
    }
  }

  /** Words nearly every generated item holds one of: its tags, labels or description. */
  static final String SEARCH =
      "red blue green black white yellow spring summer autumn winter shoe bag person car dog cat"
          + " bicycle bottle chair tree";

  public static void main(String[] args) throws Exception {
    BenchmarkArgs arguments =
        new BenchmarkArgs("[ITEMS [LATENCIES_MS]] or ITEMS LATENCY_MS scored", args);
    int items = arguments.number(0, "items", 1, 20_000);
    if (arguments.is(2, "scored")) {
      scored(items, arguments.number(1, "milliseconds added per request", 0, 50));
      return;
    }
    List<Integer> latencies = arguments.numbers(1, "milliseconds added per request", 0, "0,50,200");
    MediaCollection collection = SyntheticCollection.generate(23, items);
    long expected = collection.items().size();
    StringBuilder report =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "Scan benchmark, %s: %,d items, page size %d, %d cores, Spark local[2];"
                    + " connector (both ways), its later plans and the 16-in-flight client: median"
                    + " of %d runs, taken in turns; first reads and first plans: median of as many,"
                    + " each on a server of its own%n",
                LocalDate.now(),
                expected,
                PAGE_SIZE,
                Runtime.getRuntime().availableProcessors(),
                REPEATS));
    SparkSession spark = session();
    try {
      try (CoreVizEmulator server = server(collection, Duration.ZERO)) {
        warmUp(spark, server, collection);
      }
      for (int latency : latencies) {
        Duration delay = Duration.ofMillis(latency);
        // A read's first plan, and a first read, each against a server of its own, as a new
        // service would be: new connections, a host the executor-wide limit has not seen, no plan
        // of it known yet.
        List<Run> firstPlans = new ArrayList<>();
        List<Run> firstReads = new ArrayList<>();
        for (int i = 0; i < REPEATS; i++) {
          try (CoreVizEmulator fresh = server(collection, delay)) {
            firstPlans.add(planning(fresh, collection, "first plan of the read", true));
          }
          try (CoreVizEmulator fresh = server(collection, delay)) {
            firstReads.add(
                connector(
                    spark, fresh, collection, expected, true, "coreviz, defaults, first read"));
          }
        }
        // Then a server of its own for the rest, planned once before the runs are timed.
        try (CoreVizEmulator server = server(collection, delay)) {
          planning(server, collection, "first plan", true);
          // The fast readers take turns, so a slower minute of the shared machine slows each of
          // them, not one reader's every run.
          List<Run> plans = new ArrayList<>();
          List<Run> unreused = new ArrayList<>();
          List<Run> scans = new ArrayList<>();
          List<Run> fresh = new ArrayList<>();
          List<Run> plain = new ArrayList<>();
          for (int i = 0; i < REPEATS; i++) {
            plans.add(planning(server, collection, "later plans", true));
            unreused.add(planning(server, collection, "reusePlans=false", false));
            scans.add(connector(spark, server, collection, expected, true, "coreviz, defaults"));
            fresh.add(
                connector(spark, server, collection, expected, false, "coreviz, reusePlans=false"));
            plain.add(concurrent(server, collection, expected, 16));
          }
          List<Run> runs = new ArrayList<>();
          runs.add(median(scans));
          runs.add(median(fresh));
          runs.add(median(firstReads));
          runs.add(naive(server, collection, expected));
          runs.add(concurrent(server, collection, expected, 2));
          runs.add(median(plain));
          report.append(table(latency, runs, median(firstPlans), median(unreused), median(plans)));
          report.append(paired("coreviz, defaults", scans, plain));
          report.append(paired("coreviz, reusePlans=false", fresh, plain));
        }
      }
    } finally {
      spark.stop();
    }
    System.out.print(report);
    Path out = Path.of("target", "scan-benchmark.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
  }

  /** A search nearly every item matches, at {@code latency} ms a request. */
  private static void scored(int size, int latency) throws Exception {
    MediaCollection collection = SyntheticCollection.generate(23, size);
    Map<String, String> search = Map.of("q", SEARCH, "minScore", "0.01");
    String encoded =
        "&q=" + java.net.URLEncoder.encode(SEARCH, StandardCharsets.UTF_8) + "&minScore=0.01";
    SparkSession spark = session();
    StringBuilder report = new StringBuilder();
    try (CoreVizEmulator server = server(collection, Duration.ofMillis(latency))) {
      long matches =
          new PlainClient(server.baseUrl(), KEY, collection.id(), PAGE_SIZE, 16)
              .with(encoded)
              .readAll();
      List<Run> connector = new ArrayList<>();
      List<Run> plain = new ArrayList<>();
      for (int i = 0; i < REPEATS; i++) {
        server.clearRequests();
        long start = System.nanoTime();
        search(spark, server, collection, search).write().format("noop").mode("overwrite").save();
        double seconds = (System.nanoTime() - start) / 1e9;
        connector.add(
            new Run("coreviz, a search", matches, seconds, server.mediaRequests().size()));
        plain.add(searchClient(server, collection, encoded, matches, 16));
      }
      // Untimed: the read returns every match, each once.
      List<Row> ids = search(spark, server, collection, search).select("id").collectAsList();
      check("coreviz search, rows", ids.size(), matches);
      check("coreviz search, distinct ids", new java.util.HashSet<>(ids).size(), matches);
      List<Run> runs = new ArrayList<>();
      runs.add(median(connector));
      runs.add(searchClient(server, collection, encoded, matches, 1));
      runs.add(median(plain));
      report.append(
          String.format(
              Locale.ROOT,
              "Scan benchmark, %s: a search (q of %d words, minScore 0.01) that %,d of %,d items"
                  + " match, %d ms added per request, page size %d, %d cores, Spark local[2];"
                  + " connector and 16-in-flight client: median of %d runs in turns%n"
                  + "| reader | items/s | vs naive | seconds | requests |%n|---|---|---|---|---|%n",
              LocalDate.now(),
              SEARCH.split(" ").length,
              matches,
              collection.items().size(),
              latency,
              PAGE_SIZE,
              Runtime.getRuntime().availableProcessors(),
              REPEATS));
      Run naive = runs.get(1);
      for (Run run : runs) {
        report.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %.2fx | %.2f | %d |%n",
                run.reader(),
                run.itemsPerSecond(),
                naive.seconds() / run.seconds(),
                run.seconds(),
                run.requests()));
      }
    } finally {
      spark.stop();
    }
    System.out.print(report);
    Path out = Path.of("target", "scan-benchmark-scored.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, report, StandardCharsets.UTF_8);
  }

  private static Dataset<Row> search(
      SparkSession spark,
      CoreVizEmulator server,
      MediaCollection collection,
      Map<String, String> search) {
    return spark
        .read()
        .format("coreviz")
        .options(options(server, collection, true))
        .options(search)
        .load();
  }

  private static Run searchClient(
      CoreVizEmulator server, MediaCollection collection, String encoded, long matches, int n)
      throws Exception {
    server.clearRequests();
    long start = System.nanoTime();
    long items =
        new PlainClient(server.baseUrl(), KEY, collection.id(), PAGE_SIZE, n)
            .with(encoded)
            .readAll();
    double seconds = (System.nanoTime() - start) / 1e9;
    check("plain client", items, matches);
    return new Run(
        n == 1 ? "naive script, 1 in flight" : "plain client, " + n + " in flight",
        items,
        seconds,
        server.mediaRequests().size());
  }

  private static SparkSession session() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("ScanBenchmark")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
  }

  /** The servers started so far: each gets a loopback address of its own. */
  private static int started;

  /**
   * The local server with {@code delay} added to every media request; 64 threads, as a real service
   * answers many requests at once, keep it from queueing the readers' bursts (planning's probes)
   * behind its own thread count. Each is on a loopback address no server of this run had
   * (127.0.1.n): the executor-wide limit and the driver's plans are kept by host and port, and a
   * port the system hands out again must not find them.
   */
  private static CoreVizEmulator server(MediaCollection collection, Duration delay) {
    started++;
    CoreVizEmulator server =
        CoreVizEmulator.builder()
            .host("127.0.1." + started)
            .collection(collection)
            .credential(KEY)
            .threads(64)
            .start();
    server.faults(FaultInjector.latency(delay));
    return server;
  }

  private static Map<String, String> options(
      CoreVizEmulator server, MediaCollection collection, boolean reusePlans) {
    return Map.of(
        "endpoint",
        server.baseUrl(),
        "apiKey",
        KEY,
        "collectionId",
        collection.id(),
        "reusePlans",
        String.valueOf(reusePlans));
  }

  /**
   * The median of {@value #REPEATS} runs of a fast reader: on a shared 2-core machine one run can
   * be off by half. Slow sequential readers (naive, 2 in flight) run once: their noise is small.
   */
  private static Run median(List<Run> runs) {
    List<Run> sorted = new ArrayList<>(runs);
    sorted.sort(java.util.Comparator.comparingDouble(Run::seconds));
    return sorted.get(sorted.size() / 2);
  }

  /** Reads of each kind without latency, so no measured run pays for class loading and JIT. */
  private static void warmUp(SparkSession spark, CoreVizEmulator server, MediaCollection c)
      throws Exception {
    for (int i = 0; i < REPEATS; i++) {
      connector(spark, server, c, c.items().size(), true, "warm-up");
      connector(spark, server, c, c.items().size(), false, "warm-up");
      planning(server, c, "warm-up", true);
      concurrent(server, c, c.items().size(), 16);
    }
    naive(server, c, c.items().size());
  }

  /** The connector's planning alone: the probes its default plan sends before any row. */
  private static Run planning(
      CoreVizEmulator server, MediaCollection collection, String which, boolean reusePlans) {
    server.clearRequests();
    long start = System.nanoTime();
    int partitions =
        ((SupportsRead)
                new CoreVizDataSource()
                    .getTable(null, null, options(server, collection, reusePlans)))
            .newScanBuilder(CaseInsensitiveStringMap.empty())
            .build()
            .toBatch()
            .planInputPartitions()
            .length;
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(
        "planning, " + which + " (" + partitions + " partitions)",
        0,
        seconds,
        server.mediaRequests().size());
  }

  private static Run connector(
      SparkSession spark,
      CoreVizEmulator server,
      MediaCollection collection,
      long expected,
      boolean reusePlans,
      String reader) {
    server.clearRequests();
    long start = System.nanoTime();
    spark
        .read()
        .format("coreviz")
        .options(options(server, collection, reusePlans))
        .load()
        .write()
        .format("noop")
        .mode("overwrite")
        .save();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(reader, expected, seconds, server.mediaRequests().size());
  }

  /**
   * A naive script: one request at a time over the offset pages, with {@link PlainClient} (the
   * JDK's HTTP client, a Jackson tree per page), sharing nothing with the connector.
   */
  private static Run naive(CoreVizEmulator server, MediaCollection collection, long expected)
      throws Exception {
    Run run = plain(server, collection, expected, 1);
    return new Run("naive script, 1 in flight", run.items(), run.seconds(), run.requests());
  }

  private static Run concurrent(
      CoreVizEmulator server, MediaCollection collection, long expected, int inFlight)
      throws Exception {
    return plain(server, collection, expected, inFlight);
  }

  /** {@link PlainClient} with {@code inFlight} requests at once over the offset pages. */
  private static Run plain(
      CoreVizEmulator server, MediaCollection collection, long expected, int inFlight)
      throws Exception {
    server.clearRequests();
    PlainClient client =
        new PlainClient(server.baseUrl(), KEY, collection.id(), PAGE_SIZE, inFlight);
    long start = System.nanoTime();
    long items = client.readAll();
    double seconds = (System.nanoTime() - start) / 1e9;
    check("plain client", items, expected);
    return new Run(
        "plain client, " + inFlight + " in flight", items, seconds, server.mediaRequests().size());
  }

  private static void check(String reader, long read, long expected) {
    if (read != expected) {
      throw new IllegalStateException(reader + " read " + read + " items of " + expected);
    }
  }

  private static String table(
      int latency, List<Run> runs, Run firstPlan, Run unreused, Run laterPlans) {
    Run naive = runs.get(3);
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%n%d ms added per request%n| reader | items/s | vs naive | seconds | requests |%n"
                    + "|---|---|---|---|---|%n",
                latency));
    for (Run run : runs) {
      text.append(
          String.format(
              Locale.ROOT,
              "| %s | %,.0f | %.2fx | %.2f | %d |%n",
              run.reader(),
              run.itemsPerSecond(),
              run.itemsPerSecond() / naive.itemsPerSecond(),
              run.seconds(),
              run.requests()));
    }
    // A read's first plan is what a first read pays (with new connections to a server that has
    // not seen the query), a plan without reuse what a scan with reusePlans=false pays, and later
    // plans what defaults pay.
    text.append(planningRow(firstPlan, runs.get(2)));
    text.append(planningRow(unreused, runs.get(1)));
    text.append(planningRow(laterPlans, runs.get(0)));
    return text.toString();
  }

  /**
   * Each of a connector reader's runs against the 16-in-flight client's run of the same turn, as a
   * share of the client's speed: a slower minute of the shared machine falls on both.
   */
  private static String paired(String reader, List<Run> runs, List<Run> client) {
    List<Double> shares = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      shares.add(client.get(i).seconds() / runs.get(i).seconds());
    }
    shares.sort(null);
    return String.format(
        Locale.ROOT,
        "%s against the 16-in-flight client of the same turn: %s (median %.0f%%)%n",
        reader,
        shares.stream()
            .map(share -> String.format(Locale.ROOT, "%.0f%%", 100 * share))
            .collect(java.util.stream.Collectors.joining(", ")),
        100 * shares.get(shares.size() / 2));
  }

  private static String planningRow(Run planning, Run scan) {
    return String.format(
        Locale.ROOT,
        "| coreviz %s | | | %.2f (%.0f%% of %s) | %d |%n",
        planning.reader(),
        planning.seconds(),
        100 * planning.seconds() / scan.seconds(),
        scan.reader().replace("coreviz, ", "a scan, "),
        planning.requests());
  }
}
