package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** The dataset-quality checks, as DataFrame operations on a coreviz table. */
public final class QualityChecks {

  /** Flag reasons and the predicate (on a media row) that raises each. */
  public static final Map<String, String> RULES = new LinkedHashMap<>();

  static {
    RULES.put("missing_dimensions", "width IS NULL OR height IS NULL");
    RULES.put("missing_size", "sizeBytes IS NULL OR sizeBytes = 0");
    RULES.put("video_without_frames", "type = 'video' AND (frames IS NULL OR size(frames) = 0)");
    RULES.put(
        "image_without_objects",
        "type = 'image' AND coalesce(aggregate(frames, 0, "
            + "(n, f) -> n + if(f.objects IS NULL, 0, size(f.objects))), 0) = 0");
    RULES.put("duplicate_name_in_folder", "namesInFolder > 1");
  }

  /** Reasons the media checks raise ({@link BlobChecks}, {@link DuplicateSets}). */
  public static final List<String> MEDIA_REASONS =
      List.of(
          "blob_unavailable",
          "blob_undecodable",
          "dimensions_mismatch",
          "size_mismatch",
          "exact_duplicate",
          "near_duplicate");

  private QualityChecks() {}

  /** Images and videos, with the folder path and the count of equal names in that folder. */
  public static Dataset<Row> media(Dataset<Row> table) {
    Column parent = expr("substring(path, 1, length(path) - length(id) - 1)");
    return table
        .filter("type <> 'folder'")
        .withColumn("parentPath", parent)
        .withColumn("namesInFolder", count(lit(1)).over(Window.partitionBy("parentPath", "name")));
  }

  /** One row per flagged item and reason: id, name, type, path, reason. */
  public static Dataset<Row> flagged(Dataset<Row> media) {
    Dataset<Row> flagged = null;
    for (Map.Entry<String, String> rule : RULES.entrySet()) {
      Dataset<Row> hits =
          media
              .filter(expr(rule.getValue()))
              .select(
                  col("id"),
                  col("name"),
                  col("type"),
                  col("path"),
                  lit(rule.getKey()).as("reason"));
      flagged = flagged == null ? hits : flagged.unionAll(hits);
    }
    return flagged;
  }

  public static QualityReport report(
      String collectionId, Dataset<Row> table, Dataset<Row> media, Dataset<Row> flagged) {
    Map<String, String> folderNames = new LinkedHashMap<>();
    for (Row row : table.filter("type = 'folder'").select("id", "name").collectAsList()) {
      folderNames.put(row.getString(0), row.getString(1));
    }
    long mediaCount = media.count();
    Map<String, Long> byFolder = new LinkedHashMap<>();
    counts(
            media.select(
                expr("CASE WHEN size(split(path, '[.]')) > 2 "
                        + "THEN split(path, '[.]')[1] ELSE '(root)' END")
                    .as("key")))
        .forEach((id, n) -> byFolder.put(folderNames.getOrDefault(id, id), n));
    Map<String, Double> coverage = new LinkedHashMap<>();
    counts(
            media.select(
                explode(expr("map_keys(map_filter(metadata.tags, (k, v) -> size(v) > 0))"))
                    .as("key")))
        .forEach((group, n) -> coverage.put(group, mediaCount == 0 ? 0 : (double) n / mediaCount));
    Map<String, Long> flags = new LinkedHashMap<>();
    RULES.keySet().forEach(reason -> flags.put(reason, 0L));
    MEDIA_REASONS.forEach(reason -> flags.put(reason, 0L));
    flags.putAll(counts(flagged.select(col("reason").as("key"))));
    return new QualityReport(
        collectionId,
        mediaCount,
        table.filter("type = 'folder'").count(),
        counts(media.select(col("type").as("key"))),
        counts(media.select(expr("coalesce(status, '(none)')").as("key"))),
        byFolder,
        coverage,
        counts(
            media
                .select(
                    explode(
                            expr(
                                "flatten(transform(filter(frames, f -> f.objects IS NOT NULL), f -> f.objects))"))
                        .as("o"))
                .select(col("o.label").as("key"))),
        flags);
  }

  /** Counts of the {@code key} column, largest first, ties by key. */
  private static Map<String, Long> counts(Dataset<Row> keys) {
    List<Row> rows =
        keys.groupBy("key").count().orderBy(col("count").desc(), col("key")).collectAsList();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row row : rows) {
      counts.put(row.isNullAt(0) ? "(null)" : row.getString(0), row.getLong(1));
    }
    return counts;
  }
}
