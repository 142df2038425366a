package io.coreviz.examples;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** The dataset-quality checks, as DataFrame operations on a coreviz table. */
public final class QualityChecks {

  /** The rule that compares an item with others: the same name as another in its folder. */
  static final String NAME_RULE = "duplicate_name_in_folder";

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
    RULES.put(NAME_RULE, "namesInFolder > 1");
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

  /**
   * One row per flagged item and reason (id, name, type, path, reason, and {@code kept}: whether an
   * earlier run may have raised it already) of a run that checks the rows of {@code media} where
   * {@code checked} holds: every rule on those rows, and a repeated name also on the rows that
   * share it with a checked one, as a set of copies flags every member; so a run that checks only
   * the new items raises what checking every item would, but for items whose own metadata changed.
   * Only such an unchecked item's flag may be kept already, and only if another unchecked item has
   * its name (alone among unchecked items, no earlier run saw the name repeated). Every rule is
   * tested in one pass (a rule whose predicate is null does not flag, as a filter would not).
   */
  public static Dataset<Row> flagged(Dataset<Row> media, Column checked) {
    Column isChecked = coalesce(checked, lit(false));
    Column checkedInFolder =
        sum(isChecked.cast("int")).over(Window.partitionBy("parentPath", "name"));
    Column nameChecked = checkedInFolder.gt(0);
    Column kept = not(isChecked).and(col("namesInFolder").minus(checkedInFolder).geq(2));
    Column[] reasons =
        RULES.entrySet().stream()
            .map(
                rule ->
                    when(
                        (rule.getKey().equals(NAME_RULE) ? nameChecked : isChecked)
                            .and(expr(rule.getValue())),
                        lit(rule.getKey())))
            .toArray(Column[]::new);
    return media
        .select(
            col("id"),
            col("name"),
            col("type"),
            col("path"),
            kept.as("kept"),
            filter(array(reasons), Column::isNotNull).as("reasons"))
        .select(
            col("id"),
            col("name"),
            col("type"),
            col("path"),
            explode(col("reasons")).as("reason"),
            col("kept"));
  }

  /**
   * The report's figures: counts of items by type, status, folder, tagged group and detected label,
   * and of flags by reason, from one aggregation over {@code media} and {@code flagged} (a query
   * per figure cost a second each on a small cluster).
   */
  public static QualityReport report(
      String collectionId, Dataset<Row> table, Dataset<Row> media, Dataset<Row> flagged) {
    List<Row> folders = table.filter("type = 'folder'").select("id", "name").collectAsList();
    Map<String, String> folderNames = new LinkedHashMap<>();
    for (Row row : folders) {
      folderNames.put(row.getString(0), row.getString(1));
    }
    Map<String, Dataset<Row>> keys = new LinkedHashMap<>();
    keys.put("type", media.select(col("type").as("key")));
    keys.put("status", media.select(expr("coalesce(status, '(none)')").as("key")));
    keys.put(
        "folder",
        media.select(
            expr("CASE WHEN size(split(path, '[.]')) > 2 THEN split(path, '[.]')[1] ELSE '(root)' END")
                .as("key")));
    keys.put(
        "tagged",
        media.select(
            explode(expr("map_keys(map_filter(metadata.tags, (k, v) -> size(v) > 0))")).as("key")));
    keys.put(
        "label",
        media
            .select(
                explode(
                        expr(
                            "flatten(transform(filter(frames, f -> f.objects IS NOT NULL), f -> f.objects))"))
                    .as("o"))
            .select(col("o.label").as("key")));
    keys.put("reason", flagged.select(col("reason").as("key")));
    Map<String, Map<String, Long>> counts = counts(keys);
    long mediaCount = counts.get("type").values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> byFolder = new LinkedHashMap<>();
    counts.get("folder").forEach((id, n) -> byFolder.put(folderNames.getOrDefault(id, id), n));
    Map<String, Double> coverage = new LinkedHashMap<>();
    counts
        .get("tagged")
        .forEach((group, n) -> coverage.put(group, mediaCount == 0 ? 0 : (double) n / mediaCount));
    Map<String, Long> flags = new LinkedHashMap<>();
    RULES.keySet().forEach(reason -> flags.put(reason, 0L));
    MEDIA_REASONS.forEach(reason -> flags.put(reason, 0L));
    flags.putAll(counts.get("reason"));
    return new QualityReport(
        collectionId,
        mediaCount,
        folders.size(),
        counts.get("type"),
        counts.get("status"),
        byFolder,
        coverage,
        counts.get("label"),
        flags);
  }

  /**
   * Counts of each dataset's {@code key} column, per dataset name, in one query: largest first,
   * ties by key, a null key as {@code (null)}.
   */
  private static Map<String, Map<String, Long>> counts(Map<String, Dataset<Row>> keys) {
    Dataset<Row> all = null;
    Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
    for (Map.Entry<String, Dataset<Row>> entry : keys.entrySet()) {
      Dataset<Row> named = entry.getValue().select(lit(entry.getKey()).as("name"), col("key"));
      all = all == null ? named : all.unionAll(named);
      counts.put(entry.getKey(), new LinkedHashMap<>());
    }
    for (Row row :
        all.groupBy("name", "key")
            .count()
            .orderBy(col("name"), col("count").desc(), col("key"))
            .collectAsList()) {
      counts
          .get(row.getString(0))
          .put(row.isNullAt(1) ? "(null)" : row.getString(1), row.getLong(2));
    }
    return counts;
  }
}
