package io.coreviz.examples;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The nightly dataset-quality job: reads a collection and reports counts by type, status and
 * folder, items missing dimensions or size, videos without frames, images with no detected objects,
 * tag coverage per group, duplicate names within a folder and the object-label histogram. Writes
 * the flagged items as Parquet and a self-contained HTML report.
 *
 * <pre>
 * QualityJob [--out DIR]                                    # embedded CoreViz server, sample data
 * QualityJob --endpoint URL --collection-id ID [--out DIR]  # real CoreViz; key in COREVIZ_API_KEY
 * ... [--clip-model DIR [--clip-min-score 20]]             # also: do images match their text?
 * </pre>
 */
public final class QualityJob {

  private QualityJob() {}

  /** Where a run wrote its results. */
  public record Result(
      QualityReport report, Path flaggedParquet, Path html, ClipCheck.Summary clip) {}

  public static void main(String[] args) throws IOException {
    Map<String, String> flags = parseFlags(args);
    Path out = Path.of(flags.getOrDefault("--out", "quality-report"));
    ClipCheck.Settings clip =
        flags.containsKey("--clip-model")
            ? new ClipCheck.Settings(
                flags.get("--clip-model"),
                Double.parseDouble(flags.getOrDefault("--clip-min-score", "20")))
            : null;
    SparkSession spark =
        SparkSession.builder()
            .appName("coreviz-quality")
            .master(System.getProperty("spark.master", "local[2]"))
            .config("spark.ui.showConsoleProgress", "false")
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
        Map<String, String> options = new java.util.HashMap<>();
        options.put("endpoint", flags.get("--endpoint"));
        options.put("collectionId", collectionId);
        if (flags.containsKey("--api-key-file")) {
          options.put("apiKeyFile", flags.get("--api-key-file"));
        }
        result = run(spark, options, out, clip);
      } else {
        result = runEmbedded(spark, out, clip);
      }
      printSummary(result);
    } finally {
      spark.stop();
    }
  }

  /** Starts the emulator with the sample collection and runs the job on it. */
  public static Result runEmbedded(SparkSession spark, Path out) throws IOException {
    return runEmbedded(spark, out, null);
  }

  /** As {@link #runEmbedded(SparkSession, Path)}, with the CLIP check when {@code clip} is set. */
  public static Result runEmbedded(SparkSession spark, Path out, ClipCheck.Settings clip)
      throws IOException {
    MediaCollection sample = SyntheticCollection.generate(42, 1_500);
    String key = "embedded-" + UUID.randomUUID();
    // The key reaches the connector as real jobs should pass it: in a file only the job can read.
    Path keyFile = Files.createTempFile("coreviz-api-key", "");
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(sample).credential(key).start()) {
      Files.writeString(keyFile, key);
      System.out.println(
          "Embedded CoreViz server at " + server.baseUrl() + ", collection " + sample.id());
      return run(
          spark,
          Map.of(
              "endpoint",
              server.baseUrl(),
              "apiKeyFile",
              keyFile.toString(),
              "collectionId",
              sample.id()),
          out,
          clip);
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  /**
   * Runs the checks on the collection the options name and writes the results under {@code out}.
   */
  public static Result run(SparkSession spark, Map<String, String> options, Path out)
      throws IOException {
    return run(spark, options, out, null);
  }

  /** As {@link #run(SparkSession, Map, Path)}, with the CLIP check when {@code clip} is set. */
  public static Result run(
      SparkSession spark, Map<String, String> options, Path out, ClipCheck.Settings clip)
      throws IOException {
    Dataset<Row> table = spark.read().format("coreviz").options(options).load().cache();
    try {
      Dataset<Row> media = QualityChecks.media(table);
      Dataset<Row> flagged = QualityChecks.flagged(media).cache();
      QualityReport report =
          QualityChecks.report(options.get("collectionId"), table, media, flagged);
      Files.createDirectories(out);
      Path parquet = out.resolve("flagged.parquet");
      flagged
          .orderBy("reason", "id")
          .coalesce(1)
          .write()
          .mode(SaveMode.Overwrite)
          .parquet(parquet.toString());
      // A sample of every reason, not just the first reason's rows.
      List<Row> sample =
          flagged
              .withColumn(
                  "n",
                  org.apache
                      .spark
                      .sql
                      .functions
                      .row_number()
                      .over(
                          org.apache.spark.sql.expressions.Window.partitionBy("reason")
                              .orderBy("name", "id")))
              .filter("n <= " + HtmlReport.PER_REASON)
              .orderBy("reason", "name", "id")
              .collectAsList();
      Path html = out.resolve("report.html");
      Files.writeString(
          html, HtmlReport.render(report, sample, options.get("endpoint")), StandardCharsets.UTF_8);
      flagged.unpersist();
      ClipCheck.Summary clipSummary = clip == null ? null : ClipCheck.run(table, clip, out);
      return new Result(report, parquet, html, clipSummary);
    } finally {
      table.unpersist();
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

  private static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!List.of("--endpoint", "--collection-id", "--out", "--clip-model", "--clip-min-score")
              .contains(args[i])
          || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: QualityJob [--endpoint URL --collection-id ID] [--out DIR]"
                + " [--clip-model DIR [--clip-min-score N]]"
                + " (the API key is read from COREVIZ_API_KEY); bad argument: "
                + args[i]);
      }
      flags.put(args[i], args[++i]);
    }
    return flags;
  }
}
