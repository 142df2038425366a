package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

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
    List<RunRow> runs = history.runHistory();
    int earlierRuns = runs.size();
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
          spark,
          new Settings(options, out, history, history.defaultCheckpoint(), full, clip),
          runs);
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

  /**
   * One run: its stages in order, each a phase of the progress printed ({@link ReadStage}, {@link
   * MetadataStage}, {@link MediaStage}, {@link ClipStage} with CLIP settings, {@link
   * DuplicateStage}, {@link HistoryStage}, {@link ReportStage}); then the run's row, written last:
   * a run that fails before it leaves its items unchecked for the next.
   */
  public static Result run(SparkSession spark, Settings settings) throws IOException {
    return run(spark, settings, settings.history().runHistory());
  }

  /** As {@link #run(SparkSession, Settings)}, given the runs the history holds (read already). */
  private static Result run(SparkSession spark, Settings settings, List<RunRow> finished)
      throws IOException {
    String mode = settings.full() ? "full" : "incremental";
    int stages = settings.clip() == null ? 6 : 7;
    try (Progress progress = new Progress(mode, stages).watching(spark.sparkContext())) {
      QualityRun run =
          new QualityRun(
              spark,
              settings,
              UUID.randomUUID().toString(),
              Timestamp.from(Instant.now()),
              progress);
      List<RunRow> runs = new ArrayList<>(finished);
      ReadStage.Output read = ReadStage.run(run, List.copyOf(runs));
      // A usual night: every item this run checks is new, so nothing of theirs is kept yet and the
      // media checks, embeddings and flags are appended to the history instead of merged.
      boolean newOnly = !run.full() && read.checks() == read.newItems();
      MetadataStage.Output metadata = MetadataStage.run(run, read);
      MediaStage.Output media = MediaStage.run(run, read, settings.clip() != null, newOnly);
      ClipStage.Output clip =
          settings.clip() == null ? null : ClipStage.run(run, read, media, newOnly);
      DuplicateStage.Output duplicates =
          DuplicateStage.run(run, read, media, clip == null ? List.of() : clip.nearPairs());
      HistoryStage.Output history =
          HistoryStage.run(run, read, metadata, media, duplicates, newOnly);
      ReportStage.Output report = ReportStage.run(run, read, metadata, media, duplicates, history);
      RunRow row =
          new RunRow(
              run.runId(),
              run.at(),
              Timestamp.from(Instant.now()),
              mode,
              read.items(),
              read.newItems(),
              read.checks(),
              report.report().flagged(),
              history.newFlags(),
              history.resolved(),
              progress.millis());
      runs.add(row);
      Path html = ReportStage.html(run, report, runs);
      settings.history().appendRun(row);
      // Dependents before what they were computed from: uncaching a dataset re-plans every
      // cached one built on it, which costs seconds per Delta read.
      for (Dataset<Row> cached :
          List.of(
              history.open(), media.blobs(), media.inspected(), metadata.flagged(), read.all())) {
        cached.unpersist();
      }
      System.out.println(progress.result(row, settings.options().get("collectionId")));
      return new Result(
          report.report(), row, report.parquet(), html, clip == null ? null : clip.summary());
    }
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
