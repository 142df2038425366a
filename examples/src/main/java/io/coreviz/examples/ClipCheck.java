package io.coreviz.examples;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import io.coreviz.spark.clip.ClipScorer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * The quality job's optional CLIP check: does each image (a video: its frame images) match its
 * description, or its prompt for generated images? Items scoring below {@code minScore} (100 x
 * cosine) are low matches; items whose image cannot be downloaded or decoded are counted with their
 * reason. Writes {@code clip.parquet} (id, name, type, text, score, error).
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

  static Summary run(Dataset<Row> table, Settings settings, Path out) {
    Dataset<Row> described =
        table
            .filter(col("type").isin("image", "video"))
            .withColumn("text", coalesce(col("metadata.description"), col("metadata.prompt")))
            .filter(col("text").isNotNull())
            .select("id", "name", "type", "blob", "frames", "text");
    ClipScorer scorer =
        new ClipScorer().setModelPath(settings.modelPath()).setImageCol("blob").setTextCol("text");
    Dataset<Row> scored =
        scorer
            .transform(described)
            .select("id", "name", "type", "text", "clip_score", "clip_error");
    Path parquet = out.resolve("clip.parquet");
    scored.write().mode(SaveMode.Overwrite).parquet(parquet.toString());

    Dataset<Row> written = table.sparkSession().read().parquet(parquet.toString()).cache();
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
