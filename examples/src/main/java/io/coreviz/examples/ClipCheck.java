package io.coreviz.examples;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.clip.ClipScorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The quality job's optional CLIP pass, once per checked image: does each image (a video: its frame
 * images) match its description, or its prompt for generated images? Items scoring below {@code
 * minScore} (100 x cosine) are low matches; items whose image cannot be downloaded or decoded are
 * counted with their reason. The same pass gives each image's embedding for the near copies ({@link
 * ClipDuplicates}), so an image is embedded once for both, from the bytes the media checks
 * downloaded. Writes {@code clip.parquet} (id, name, type, text, score, error) for the described
 * items.
 */
final class ClipCheck {

  /**
   * What to run: a CLIP model directory, the score below which an item is a low match, and the
   * cosine from which two images are near copies ({@link ClipDuplicates}).
   */
  record Settings(String modelPath, double minScore, double minCosine) {}

  /** What it found. */
  record Summary(
      String modelPath,
      double minScore,
      long scored,
      long lowMatch,
      long failed,
      Map<String, Long> reasons,
      Path parquet) {}

  private ClipCheck() {}

  /**
   * The CLIP pass over {@code items}: every image, embedded from the bytes the media checks fetched
   * ({@code inspected}, rows of {@link BlobChecks#WITH_CONTENT}), so no image is downloaded twice;
   * and every video with a text, scored on its frames' images (the media checks fetch a video's own
   * blob, not its frames). Columns {@code id}, {@code name}, {@code type}, {@code text} (the
   * description, else the prompt; null for an image with neither), {@code clip_score}, {@code
   * clip_error} (for an image whose blob could not be fetched: what the media checks met) and
   * {@code embedding} (the image's, unit length; null where it could not be fetched or decoded).
   * Lazy: callers persist it to use it twice.
   */
  static Dataset<Row> embed(
      Dataset<Row> items, Dataset<Row> inspected, Settings settings, Map<String, String> options) {
    Dataset<Row> wanted =
        items
            .withColumn("text", coalesce(col("metadata.description"), col("metadata.prompt")))
            .filter(
                col("type")
                    .equalTo("image")
                    .or(col("type").equalTo("video").and(col("text").isNotNull())))
            .select("id", "name", "type", "blob", "frames", "text");
    Dataset<Row> images =
        scorer(settings, "content", items, options)
            .transform(
                wanted
                    .filter(col("type").equalTo("image"))
                    .join(inspected.select("id", "content", "detail"), "id")
                    .select("id", "name", "type", "text", "content", "detail"))
            .withColumn(
                "clip_error",
                when(col("content").isNull(), col("detail")).otherwise(col("clip_error")));
    Dataset<Row> videos =
        scorer(settings, "blob", items, options)
            .transform(wanted.filter(col("type").equalTo("video")));
    String[] columns = {"id", "name", "type", "text", "clip_score", "clip_error", "embedding"};
    return images.selectExpr(columns).unionByName(videos.selectExpr(columns));
  }

  /** The scorer of images in column {@code images}, with the job's credentials. */
  private static ClipScorer scorer(
      Settings settings, String images, Dataset<Row> items, Map<String, String> options) {
    ClipScorer scorer =
        new ClipScorer()
            .setModelPath(settings.modelPath())
            .setImageCol(images)
            .setTextCol("text")
            .setEmbeddingCol("embedding");
    ClientSettings client = JobClient.of(items.sparkSession(), options);
    if (client.credentials() != null) {
      scorer.setCredentials(client.endpoint(), client.credentials());
    }
    return scorer;
  }

  /** Scores and counts the described items of {@code embedded} ({@link #embed}'s output). */
  static Summary run(Dataset<Row> embedded, Settings settings, Path out) {
    Dataset<Row> scored =
        embedded
            .filter(col("text").isNotNull())
            .select("id", "name", "type", "text", "clip_score", "clip_error");
    Path parquet = out.resolve("clip.parquet");
    scored.write().mode(SaveMode.Overwrite).parquet(parquet.toString());

    Dataset<Row> written = embedded.sparkSession().read().parquet(parquet.toString()).cache();
    try {
      long scoredCount = written.filter(col("clip_score").isNotNull()).count();
      long low = written.filter(col("clip_score").lt(settings.minScore())).count();
      Map<String, Long> reasons = new LinkedHashMap<>();
      for (Row row :
          written
              .filter(col("clip_error").isNotNull())
              .groupBy("clip_error")
              .count()
              .orderBy(col("count").desc(), col("clip_error"))
              .collectAsList()) {
        reasons.put(row.getString(0), row.getLong(1));
      }
      long failed = reasons.values().stream().mapToLong(Long::longValue).sum();
      return new Summary(
          settings.modelPath(), settings.minScore(), scoredCount, low, failed, reasons, parquet);
    } finally {
      written.unpersist();
    }
  }
}
