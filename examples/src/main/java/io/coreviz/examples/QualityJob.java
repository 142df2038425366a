package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.storage.StorageLevel;

/**
 * The nightly dataset-quality job: reads what is new in a collection since its last run (a
 * streaming read with {@code Trigger.AvailableNow}), keeps every item, flag and run in Delta Lake
 * tables ({@link QualityHistory}), and checks the new items: items missing dimensions or size,
 * videos without frames, images with no detected objects, duplicate names within a folder; and
 * reports counts by type, status and folder, tag coverage per group and the object-label histogram.
 * Writes the open flags as Parquet and a self-contained HTML report with trends across runs.
 *
 * <pre>
 * QualityJob [--out DIR] [--warehouse DIR] [--full]           # embedded CoreViz server, sample data
 * QualityJob --endpoint URL --collection-id ID [--api-key-file F] [--out DIR]
 *            [--warehouse DIR | --schema CATALOG.SCHEMA --checkpoint DIR] [--full]
 * ... [--clip-model DIR [--clip-min-score 20] [--clip-min-cosine 0.95]]
 *                                         # also: do images match their text? near copies by CLIP
 * </pre>
 *
 * <p>Incremental by default; {@code --full} reads and checks every item again and resolves the
 * flags it no longer finds.
 */
public final class QualityJob {

  private QualityJob() {}

  /** Items of the embedded server's sample collection. */
  static final int SAMPLE = 1_500;

  /** Items the embedded server's collection gains before each run after the first. */
  static final int GROWTH = 50;

  /** Where a run wrote its results. */
  public record Result(
      QualityReport report, RunRow run, Path flaggedParquet, Path html, ClipCheck.Summary clip) {}

  /**
   * What one run does.
   *
   * @param options the coreviz source's options (endpoint, credentials, collectionId, filters)
   * @param out where the report and the open flags go
   * @param history where the Delta tables are
   * @param checkpoint where the incremental read keeps its offsets
   * @param full read and check every item instead of the new ones
   * @param clip the CLIP check's settings, or null
   */
  public record Settings(
      Map<String, String> options,
      Path out,
      QualityHistory history,
      String checkpoint,
      boolean full,
      ClipCheck.Settings clip) {}

  /** A session builder with Delta Lake's SQL extension and catalog, as the history needs. */
  public static SparkSession.Builder withDelta(SparkSession.Builder builder) {
    return builder
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config(
            "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> flags = parseFlags(args);
    Path out = Path.of(flags.getOrDefault("--out", "quality-report"));
    boolean full = flags.containsKey("--full");
    ClipCheck.Settings clip = parseClip(flags);
    SparkSession spark =
        withDelta(SparkSession.builder())
            .appName("coreviz-quality")
            .master(System.getProperty("spark.master", "local[2]"))
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "8")
            // The history's tables are small: Delta's 50 partitions to replay each one's log cost
            // about 1.5 s per snapshot on two cores, and a run takes a dozen snapshots.
            .config("spark.databricks.delta.snapshotPartitions", "8")
            .getOrCreate();
    try {
      Result result;
      if (flags.containsKey("--endpoint")) {
        String collectionId = flags.get("--collection-id");
        if (collectionId == null) {
          throw new IllegalArgumentException("--endpoint needs --collection-id");
        }
        // The key comes from a key file (--api-key-file, e.g. a mounted secret) or from
        // COREVIZ_API_KEY, read by the connector itself: never from argv.
        Map<String, String> options = new HashMap<>();
        options.put("endpoint", flags.get("--endpoint"));
        options.put("collectionId", collectionId);
        if (flags.containsKey("--api-key-file")) {
          options.put("apiKeyFile", flags.get("--api-key-file"));
        }
        QualityHistory history =
            flags.containsKey("--schema")
                ? QualityHistory.inSchema(spark, flags.get("--schema"), collectionId)
                : QualityHistory.inFolder(
                    spark, flags.getOrDefault("--warehouse", "quality-warehouse"), collectionId);
        String checkpoint = flags.getOrDefault("--checkpoint", history.defaultCheckpoint());
        if (checkpoint == null) {
          throw new IllegalArgumentException(
              "--schema needs --checkpoint DIR (e.g. a Unity Catalog volume path) for the"
                  + " incremental read's offsets");
        }
        result = run(spark, new Settings(options, out, history, checkpoint, full, clip));
      } else {
        String warehouse = flags.getOrDefault("--warehouse", "quality-warehouse");
        result = runEmbedded(spark, out, warehouse, full, clip);
      }
      printSummary(result);
    } finally {
      spark.stop();
    }
  }

  /**
   * Starts the emulator with the sample collection (with planted media defects: broken blobs, exact
   * and near copies) and runs the job on it, with the history in {@code warehouse}. The sample
   * gains {@value #GROWTH} items, created after all others, for each run the history already holds,
   * as a real collection grows between nights.
   */
  public static Result runEmbedded(
      SparkSession spark, Path out, String warehouse, boolean full, ClipCheck.Settings clip)
      throws IOException {
    return runEmbedded(spark, out, warehouse, full, clip, SAMPLE);
  }

  /** As above, with a sample of {@code size} items (tests use a smaller one). */
  static Result runEmbedded(
      SparkSession spark,
      Path out,
      String warehouse,
      boolean full,
      ClipCheck.Settings clip,
      int size)
      throws IOException {
    // Sizes measured from the blobs, as a real store reports them: the size check has ground truth.
    MediaCollection sample = SyntheticCollection.generate(42, size).measureSizes();
    // Known media defects, so the media checks have something to find (PlantedDefects says which).
    io.coreviz.emulator.data.PlantedDefects.plant(sample, 42, 3);
    QualityHistory history = QualityHistory.inFolder(spark, warehouse, sample.id());
    int earlierRuns = history.runHistory().size();
    for (int run = 1; run <= earlierRuns; run++) {
      grow(sample, run);
    }
    String key = "embedded-" + UUID.randomUUID();
    // The key reaches the connector as real jobs should pass it: in a file only the job can read.
    Path keyFile = Files.createTempFile("coreviz-api-key", "");
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(sample).credential(key).start()) {
      Files.writeString(keyFile, key);
      System.out.printf(
          "Embedded CoreViz server at %s, collection %s (%d items; %d earlier runs in %s)%n",
          server.baseUrl(), sample.id(), sample.items().size(), earlierRuns, warehouse);
      Map<String, String> options =
          Map.of(
              "endpoint",
              server.baseUrl(),
              "apiKeyFile",
              keyFile.toString(),
              "collectionId",
              sample.id());
      return run(
          spark, new Settings(options, out, history, history.defaultCheckpoint(), full, clip));
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  /**
   * Adds to {@code sample} the {@value #GROWTH} items (and their blobs) it gains before run {@code
   * run + 1}: in its folders, created an hour after its newest item. Returns them.
   */
  static List<MediaItem> grow(MediaCollection sample, int run) {
    Instant after =
        sample.items().stream()
            .map(MediaItem::createdAt)
            .max(Comparator.naturalOrder())
            .orElseThrow();
    MediaCollection templates = SyntheticCollection.generate(1_000 + run, GROWTH, 0).measureSizes();
    List<MediaItem> folders = sample.items().stream().filter(MediaItem::isFolder).toList();
    List<MediaItem> items = new ArrayList<>();
    List<MediaItem> media = templates.media();
    for (int i = 0; i < media.size(); i++) {
      MediaItem template = media.get(i);
      String parent = folders.isEmpty() ? sample.id() : folders.get(i % folders.size()).path();
      MediaItem item =
          template
              .withPath(parent + "." + template.id())
              .withCreatedAt(after.plusSeconds(3_600).plusMillis(i));
      Map<String, io.coreviz.emulator.model.Blob> blobs = new HashMap<>();
      templates.blob(template.blobKey()).ifPresent(blob -> blobs.put(template.blobKey(), blob));
      sample.add(item, blobs);
      items.add(item);
    }
    return items;
  }

  /** Runs the job incrementally with its history in {@code out/warehouse}. */
  public static Result run(SparkSession spark, Map<String, String> options, Path out)
      throws IOException {
    return run(spark, options, out, null);
  }

  /** As {@link #run(SparkSession, Map, Path)}, with the CLIP check when {@code clip} is set. */
  public static Result run(
      SparkSession spark, Map<String, String> options, Path out, ClipCheck.Settings clip)
      throws IOException {
    QualityHistory history =
        QualityHistory.inFolder(
            spark, out.resolve("warehouse").toString(), options.get("collectionId"));
    return run(
        spark, new Settings(options, out, history, history.defaultCheckpoint(), false, clip));
  }

  /** One run: read, check, record in the history, report. */
  public static Result run(SparkSession spark, Settings settings) throws IOException {
    String mode = settings.full() ? "full" : "incremental";
    try (Progress progress = new Progress(mode).watching(spark.sparkContext())) {
      return run(spark, settings, mode, progress);
    }
  }

  private static Result run(SparkSession spark, Settings settings, String mode, Progress progress)
      throws IOException {
    String runId = UUID.randomUUID().toString();
    Timestamp at = Timestamp.from(Instant.now());
    QualityHistory history = settings.history();
    List<RunRow> earlier = history.runHistory();
    String collectionId = settings.options().get("collectionId");

    progress.phase("read", settings.full() ? "every item" : "the items created since the last run");
    if (settings.full()) {
      history.mergeMedia(
          spark.read().format("coreviz").options(settings.options()).load(), runId, at);
    } else {
      readNew(spark, settings, runId, at, progress);
    }
    Dataset<Row> all = history.media().cache();
    long items = all.count();
    long newItems = all.filter(col("first_seen_run").equalTo(runId)).count();
    progress.done(newItems + " new items, " + items + " in all");

    progress.phase("check", "the items no finished run has checked");
    Dataset<Row> checked = settings.full() ? all : history.unchecked();
    long checkedCount = checked.count();
    Dataset<Row> media = QualityChecks.media(all);
    Dataset<Row> flagged = QualityChecks.flagged(media).join(checked.select("id"), "id");
    // The media checks: each checked image's and video's blob fetched and hashed, kept in the
    // history so a later item is compared with every earlier one.
    BlobChecks.Inspection inspection = BlobChecks.inspect(checked, settings.options());
    Dataset<Row> inspected = inspection.rows().cache();
    progress.note(
        inspected.count()
            + " image and video blobs fetched and checked ("
            + inspection.retries().sum()
            + " downloads retried)");
    history.mergeBlobs(inspected);
    Dataset<Row> blobs = history.blobs().cache();
    List<Set<String>> exact = DuplicateSets.exact(blobs);
    List<String[]> nearPairs = new ArrayList<>(DuplicateSets.nearPairs(blobs));
    // One CLIP pass gives both the text scores and the near copies' embeddings, kept for both.
    Dataset<Row> clipped =
        settings.clip() == null
            ? null
            : ClipCheck.embed(checked, settings.clip(), settings.options())
                .persist(StorageLevel.MEMORY_AND_DISK());
    if (clipped != null) {
      nearPairs.addAll(clipPairs(settings, clipped, checked, blobs, progress));
    }
    List<Set<String>> near = DuplicateSets.sets(nearPairs);
    Set<String> checkedIds = new HashSet<>();
    checked.select("id").collectAsList().forEach(row -> checkedIds.add(row.getString(0)));
    List<Row> mediaFlags = new ArrayList<>();
    for (Row row : inspected.filter("status <> 'ok'").select("id", "status").collectAsList()) {
      mediaFlags.add(RowFactory.create(row.getString(0), row.getString(1)));
    }
    List<Set<String>> exactNow = touching(exact, checkedIds);
    List<Set<String>> nearNow = touching(near, checkedIds);
    exactNow.forEach(
        set -> set.forEach(id -> mediaFlags.add(RowFactory.create(id, "exact_duplicate"))));
    nearNow.forEach(
        set -> set.forEach(id -> mediaFlags.add(RowFactory.create(id, "near_duplicate"))));
    inspected.unpersist();
    Dataset<Row> mediaFlagged =
        all.select("id", "name", "type", "path")
            .join(
                spark.createDataFrame(
                    mediaFlags,
                    new org.apache.spark.sql.types.StructType()
                        .add("id", "string")
                        .add("reason", "string")),
                "id")
            .select("id", "name", "type", "path", "reason");
    flagged = flagged.select("id", "name", "type", "path", "reason").unionByName(mediaFlagged);
    history.mergeFlags(flagged, runId, at, settings.full());
    Dataset<Row> flags = history.flags();
    Dataset<Row> open = flags.filter("resolved_at IS NULL").cache();
    QualityReport report = QualityChecks.report(collectionId, all, media, open);
    long newFlags = flags.filter(col("first_seen_run").equalTo(runId)).count();
    long resolved = flags.filter(col("resolved_run").equalTo(runId)).count();
    progress.done(checkedCount + " checked, " + newFlags + " new flags, " + resolved + " resolved");

    progress.phase("report", "flagged.parquet and report.html");
    Path out = settings.out();
    Files.createDirectories(out);
    Path parquet = out.resolve("flagged.parquet");
    open.select("id", "name", "type", "path", "reason", "first_seen_at")
        .orderBy("reason", "id")
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(parquet.toString());
    Dataset<Row> thumbnails = blobs.select("id", "thumbnail");
    List<Row> openSample = sample(open.join(thumbnails, new String[] {"id"}, "left"));
    List<Row> newSample =
        sample(
            flags
                .filter(col("first_seen_run").equalTo(runId))
                .join(thumbnails, new String[] {"id"}, "left"));
    List<Row> resolvedSample =
        sample(
            flags
                .filter(col("resolved_run").equalTo(runId))
                .join(thumbnails, new String[] {"id"}, "left"));
    Map<String, String> pictures = new HashMap<>();
    Set<String> shown = new HashSet<>();
    exactNow.forEach(shown::addAll);
    nearNow.forEach(shown::addAll);
    if (!shown.isEmpty()) {
      for (Row row :
          blobs.filter(col("id").isin(shown.toArray())).select("id", "thumbnail").collectAsList()) {
        pictures.put(row.getString(0), row.getString(1));
      }
    }
    open.unpersist();
    blobs.unpersist();
    ClipCheck.Summary clipSummary = null;
    if (clipped != null) {
      clipSummary = ClipCheck.run(clipped, settings.clip(), out);
      clipped.unpersist();
    }
    progress.done("");

    RunRow run =
        new RunRow(
            runId,
            at,
            Timestamp.from(Instant.now()),
            mode,
            items,
            newItems,
            checkedCount,
            report.flagged(),
            newFlags,
            resolved,
            progress.millis());
    List<RunRow> runs = new ArrayList<>(earlier);
    runs.add(run);
    Path html = out.resolve("report.html");
    Files.writeString(
        html,
        HtmlReport.render(
            report,
            openSample,
            settings.options().get("endpoint"),
            new HtmlReport.Changes(runs, newSample, resolvedSample),
            new HtmlReport.Duplicates(exactNow, nearNow, pictures)),
        StandardCharsets.UTF_8);
    // Last: a run that fails before its row is written leaves its items unchecked for the next.
    history.markChecked(checked, runId);
    history.appendRun(run);
    all.unpersist();
    System.out.println(progress.result(run, collectionId));
    return new Result(report, run, parquet, html, clipSummary);
  }

  /**
   * Near copies by CLIP embedding: the checked images' embeddings ({@code clipped}, {@link
   * ClipCheck#embed}) are kept in the history with the model's name, so each image is embedded once
   * per model, and paired with every image embedded so far; pairs of the same bytes are left to the
   * exact duplicates.
   */
  private static List<String[]> clipPairs(
      Settings settings,
      Dataset<Row> clipped,
      Dataset<Row> checked,
      Dataset<Row> blobs,
      Progress progress) {
    ClipCheck.Settings clip = settings.clip();
    QualityHistory history = settings.history();
    history.mergeEmbeddings(ClipDuplicates.embeddings(clipped, clip.modelPath()));
    Dataset<Row> all = history.embeddings().filter(col("model").equalTo(clip.modelPath()));
    Dataset<Row> fresh = all.join(checked.select("id"), "id");
    Dataset<Row> sha = blobs.select("id", "sha256");
    List<String[]> pairs = new ArrayList<>();
    for (Row pair :
        ClipDuplicates.pairs(fresh, all, clip.minCosine())
            .join(sha.toDF("x", "x_sha256"), new String[] {"x"}, "left")
            .join(sha.toDF("y", "y_sha256"), new String[] {"y"}, "left")
            .filter("x_sha256 IS NULL OR y_sha256 IS NULL OR x_sha256 <> y_sha256")
            .select("x", "y")
            .collectAsList()) {
      pairs.add(new String[] {pair.getString(0), pair.getString(1)});
    }
    progress.note(pairs.size() + " pairs of near copies by CLIP embedding");
    return pairs;
  }

  /** The new items, read with {@code Trigger.AvailableNow} and merged into the media table. */
  /**
   * Reads the items created since the last run's offsets and keeps those not kept yet (a full run
   * may have kept some). Prints how long reading, keeping and the stream itself took.
   */
  private static void readNew(
      SparkSession spark, Settings settings, String runId, Timestamp at, Progress progress)
      throws IOException {
    AtomicLong read = new AtomicLong();
    AtomicLong reading = new AtomicLong();
    AtomicLong merging = new AtomicLong();
    long start = System.nanoTime();
    try {
      StreamingQuery query =
          spark
              .readStream()
              .format("coreviz")
              .options(settings.options())
              .load()
              .writeStream()
              .option("checkpointLocation", settings.checkpoint())
              .foreachBatch(
                  (VoidFunction2<Dataset<Row>, Long>)
                      (batch, id) -> {
                        long batchStart = System.nanoTime();
                        Dataset<Row> rows = batch.cache();
                        long count = rows.count();
                        long merge = System.nanoTime();
                        reading.addAndGet(merge - batchStart);
                        settings.history().insertNewMedia(rows, runId, at);
                        merging.addAndGet(System.nanoTime() - merge);
                        read.addAndGet(count);
                        rows.unpersist();
                      })
              .trigger(Trigger.AvailableNow())
              .start();
      query.awaitTermination();
      double total = (System.nanoTime() - start) / 1e9;
      progress.note(
          String.format(
              java.util.Locale.ROOT,
              "%d items read from CoreViz in %.1f s, kept in Delta in %.1f s; the stream's own"
                  + " start, offsets and commits %.1f s",
              read.get(),
              reading.get() / 1e9,
              merging.get() / 1e9,
              total - (reading.get() + merging.get()) / 1e9));
      progress.note(streamState(query));
    } catch (TimeoutException | StreamingQueryException e) {
      throw new IOException("the incremental read failed: " + e.getMessage(), e);
    }
  }

  /**
   * How far the stream got: its micro-batches and the source's state after the last of them ({@code
   * itemsBehindLatest}, {@code newestCreatedAt}, {@code lagSeconds}).
   */
  static String streamState(StreamingQuery query) {
    StreamingQueryProgress[] reports = query.recentProgress();
    long batches = java.util.Arrays.stream(reports).filter(p -> p.numInputRows() > 0).count();
    Map<String, String> metrics = Map.of();
    for (StreamingQueryProgress report : reports) {
      if (report.sources().length > 0 && !report.sources()[0].metrics().isEmpty()) {
        metrics = report.sources()[0].metrics();
      }
    }
    return String.format(
        java.util.Locale.ROOT,
        "stream: %d micro-batches; items behind the newest: %s, newest item created at %s,"
            + " lag %s s",
        batches,
        metrics.getOrDefault("itemsBehindLatest", "0"),
        metrics.getOrDefault("newestCreatedAt", "-"),
        metrics.getOrDefault("lagSeconds", "0"));
  }

  /** The sets with a member among {@code ids}. */
  private static List<Set<String>> touching(List<Set<String>> sets, Set<String> ids) {
    return sets.stream().filter(set -> set.stream().anyMatch(ids::contains)).toList();
  }

  /** Up to {@link HtmlReport#PER_REASON} flags per reason, by name. */
  private static List<Row> sample(Dataset<Row> flags) {
    return flags
        .withColumn(
            "n", functions.row_number().over(Window.partitionBy("reason").orderBy("name", "id")))
        .filter("n <= " + HtmlReport.PER_REASON)
        .orderBy("reason", "name", "id")
        .collectAsList();
  }

  private static void printSummary(Result result) {
    QualityReport report = result.report();
    StringBuilder text =
        new StringBuilder("\nDataset quality for collection " + report.collectionId() + "\n");
    row(text, "media items", report.mediaCount());
    row(text, "folders", report.folderCount());
    report.byType().forEach((type, n) -> row(text, "type " + type, n));
    report.byStatus().forEach((status, n) -> row(text, "status " + status, n));
    report.flagged().forEach((reason, n) -> row(text, "flagged: " + reason, n));
    report
        .tagCoverage()
        .forEach(
            (group, share) ->
                text.append(
                    String.format("  %-36s %9.1f%%%n", "tag coverage: " + group, share * 100)));
    report.labels().entrySet().stream()
        .limit(5)
        .forEach(label -> row(text, "label " + label.getKey(), label.getValue()));
    ClipCheck.Summary clip = result.clip();
    if (clip != null) {
      text.append("\nCLIP check (").append(clip.modelPath()).append(")\n");
      row(text, "images scored", clip.scored());
      row(text, "score below " + clip.minScore(), clip.lowMatch());
      row(text, "without a score", clip.failed());
      clip.reasons().forEach((reason, n) -> row(text, "  " + shorten(reason), n));
    }
    text.append("\nFlagged items: ")
        .append(result.flaggedParquet().toAbsolutePath())
        .append("\nHTML report:   ")
        .append(result.html().toAbsolutePath())
        .append('\n');
    if (clip != null) {
      text.append("CLIP scores:   ").append(clip.parquet().toAbsolutePath()).append('\n');
    }
    System.out.println(text);
  }

  private static String shorten(String text) {
    return text.length() <= 34 ? text : text.substring(0, 33) + "…";
  }

  private static void row(StringBuilder text, String label, long value) {
    text.append(String.format("  %-36s %10d%n", label, value));
  }

  private static final List<String> VALUED =
      List.of(
          "--endpoint",
          "--collection-id",
          "--api-key-file",
          "--out",
          "--warehouse",
          "--schema",
          "--checkpoint",
          "--clip-model",
          "--clip-min-score",
          "--clip-min-cosine");

  /** The CLIP settings the flags name, or null without {@code --clip-model}. */
  static ClipCheck.Settings parseClip(Map<String, String> flags) {
    if (!flags.containsKey("--clip-model")) {
      return null;
    }
    double minCosine = number(flags, "--clip-min-cosine", "0.95");
    if (!(minCosine >= -1 && minCosine <= 1)) {
      throw new IllegalArgumentException(
          "--clip-min-cosine must be between -1 and 1 (a cosine), got "
              + flags.get("--clip-min-cosine"));
    }
    return new ClipCheck.Settings(
        flags.get("--clip-model"), number(flags, "--clip-min-score", "20"), minCosine);
  }

  private static double number(Map<String, String> flags, String flag, String otherwise) {
    String value = flags.getOrDefault(flag, otherwise);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + " must be a number, got " + value, e);
    }
  }

  static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--full")) {
        flags.put("--full", "true");
      } else if (VALUED.contains(args[i]) && i + 1 < args.length) {
        flags.put(args[i], args[++i]);
      } else {
        throw new IllegalArgumentException(
            "usage: QualityJob [--endpoint URL --collection-id ID [--api-key-file F]] [--out DIR]"
                + " [--warehouse DIR | --schema CATALOG.SCHEMA --checkpoint DIR] [--full]"
                + " [--clip-model DIR [--clip-min-score N] [--clip-min-cosine C]]"
                + " (the API key is read from --api-key-file or COREVIZ_API_KEY); bad argument: "
                + args[i]);
      }
    }
    return flags;
  }
}
