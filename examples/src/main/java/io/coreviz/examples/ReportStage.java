package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Report: the open flags written as {@code flagged.parquet}, and what the HTML report shows
 * gathered (counts, samples of the open, new and resolved flags, the duplicate sets' thumbnails);
 * the page itself is written once the run's row, with this stage's time, exists ({@link #html}).
 */
final class ReportStage {

  static final String NAME = "report";

  /** What the report shows, and where the open flags went. */
  record Output(
      QualityReport report,
      Path parquet,
      List<Row> openSample,
      List<Row> newSample,
      List<Row> resolvedSample,
      HtmlReport.Duplicates duplicates) {}

  private ReportStage() {}

  static Output run(
      QualityRun run,
      ReadStage.Output read,
      MetadataStage.Output metadata,
      MediaStage.Output media,
      DuplicateStage.Output duplicates,
      HistoryStage.Output history)
      throws IOException {
    run.progress().phase(NAME, "flagged.parquet and report.html");
    Path out = run.settings().out();
    Files.createDirectories(out);
    Path parquet = out.resolve("flagged.parquet");
    Dataset<Row> open = history.open();
    open.select("id", "name", "type", "path", "reason", "first_seen_at")
        .orderBy("reason", "id")
        .coalesce(1)
        .write()
        .mode(SaveMode.Overwrite)
        .parquet(parquet.toString());
    QualityReport report =
        QualityChecks.report(run.options().get("collectionId"), read.all(), metadata.media(), open);
    Map<String, List<Row>> samples = samples(run, history, media.blobs().select("id", "thumbnail"));
    Set<String> copies = new HashSet<>();
    duplicates.exact().forEach(copies::addAll);
    duplicates.near().forEach(copies::addAll);
    Map<String, String> pictures = new HashMap<>();
    if (!copies.isEmpty()) {
      for (Row row :
          media
              .blobs()
              .filter(col("id").isin(copies.toArray()))
              .select("id", "thumbnail")
              .collectAsList()) {
        pictures.put(row.getString(0), row.getString(1));
      }
    }
    run.progress().done("");
    return new Output(
        report,
        parquet,
        samples.getOrDefault("open", List.of()),
        samples.getOrDefault("new", List.of()),
        samples.getOrDefault("resolved", List.of()),
        new HtmlReport.Duplicates(duplicates.exact(), duplicates.near(), pictures));
  }

  /** Writes {@code report.html}: the report, with the trends across {@code runs}. */
  static Path html(QualityRun run, Output output, List<RunRow> runs) throws IOException {
    Path html = run.settings().out().resolve("report.html");
    Files.writeString(
        html,
        HtmlReport.render(
            output.report(),
            output.openSample(),
            run.options().get("endpoint"),
            new HtmlReport.Changes(runs, output.newSample(), output.resolvedSample()),
            output.duplicates()),
        StandardCharsets.UTF_8);
    return html;
  }

  /**
   * Samples of the open flags, this run's new ones and those it resolved (keys {@code open}, {@code
   * new}, {@code resolved}), each flag with its blob's thumbnail, from one query.
   */
  private static Map<String, List<Row>> samples(
      QualityRun run, HistoryStage.Output history, Dataset<Row> thumbnails) {
    Dataset<Row> open = history.open();
    // The new flags are open ones; the resolved ones (a full run's) are not.
    Dataset<Row> shown = open.withColumn("list", lit("open"));
    if (history.newFlags() > 0) {
      shown =
          shown.unionByName(
              open.filter(col("first_seen_run").equalTo(run.runId()))
                  .withColumn("list", lit("new")));
    }
    if (history.resolved() > 0) {
      shown =
          shown.unionByName(
              history
                  .flags()
                  .filter(col("resolved_run").equalTo(run.runId()))
                  .withColumn("list", lit("resolved")));
    }
    Map<String, List<Row>> samples = new HashMap<>();
    for (Row row : sample(shown.join(thumbnails, new String[] {"id"}, "left"))) {
      samples.computeIfAbsent(row.getAs("list"), list -> new ArrayList<>()).add(row);
    }
    return samples;
  }

  /** Up to {@link HtmlReport#PER_REASON} flags per list and reason, by name. */
  private static List<Row> sample(Dataset<Row> flags) {
    return flags
        .withColumn(
            "n",
            functions.row_number().over(Window.partitionBy("list", "reason").orderBy("name", "id")))
        .filter("n <= " + HtmlReport.PER_REASON)
        .orderBy("list", "reason", "name", "id")
        .collectAsList();
  }
}
