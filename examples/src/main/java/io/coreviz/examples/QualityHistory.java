package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The quality job's memory of one collection across runs, in Delta Lake tables: {@code media}
 * (every item seen, with the run that first saw it), {@code flags} (one row per item and reason,
 * with when it was first and last seen and when it was resolved), {@code runs} (one row per run),
 * {@code blobs} (what each image's bytes held) and, with CLIP, {@code embeddings}. They live in a
 * folder (a local path or a cloud URI, addressed by path: {@code folder/<collectionId>/media} and
 * so on) or in a catalog schema (Databricks: {@code
 * catalog.schema.coreviz_quality_<collectionId>_media} and so on).
 */
public final class QualityHistory {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A commit's file in a Delta log: its version, 20 digits. */
  private static final Pattern COMMIT = Pattern.compile("\\d{20}\\.json");

  private final SparkSession spark;
  private final String folder;
  private final String schema;

  private QualityHistory(SparkSession spark, String folder, String schema) {
    this.spark = spark;
    this.folder = folder;
    this.schema = schema;
  }

  /** The tables of {@code collectionId} under {@code folder}. */
  public static QualityHistory inFolder(SparkSession spark, String folder, String collectionId) {
    return new QualityHistory(spark, folder.replaceAll("/+$", "") + "/" + id(collectionId), null);
  }

  /** The tables of {@code collectionId} in {@code schema}, e.g. a Unity Catalog schema. */
  public static QualityHistory inSchema(SparkSession spark, String schema, String collectionId) {
    return new QualityHistory(spark, null, schema + ".coreviz_quality_" + id(collectionId));
  }

  private static String id(String collectionId) {
    String id = collectionId.replace("-", "").toLowerCase(java.util.Locale.ROOT);
    if (!id.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("not a collection id: " + collectionId);
    }
    return id;
  }

  /**
   * Where the incremental read keeps its offsets by default: beside the tables; null in a schema.
   */
  public String defaultCheckpoint() {
    return folder == null ? null : folder + "/_checkpoint";
  }

  /** What this history is, for messages. */
  public String describe() {
    return folder != null ? "Delta tables under " + folder : "Delta tables in " + schema;
  }

  private String name(String table) {
    return schema + "_" + table;
  }

  private boolean exists(String table) {
    return folder != null
        ? DeltaTable.isDeltaTable(spark, folder + "/" + table)
        : spark.catalog().tableExists(name(table));
  }

  private DeltaTable delta(String table) {
    return folder != null
        ? DeltaTable.forPath(spark, folder + "/" + table)
        : DeltaTable.forName(spark, name(table));
  }

  private void write(Dataset<Row> rows, String table, SaveMode mode) {
    write(rows, table, mode, Map.of());
  }

  /** As above, with Delta writer {@code options}. */
  private void write(Dataset<Row> rows, String table, SaveMode mode, Map<String, String> options) {
    DataFrameWriter<Row> writer = rows.write().format("delta").mode(mode).options(options);
    if (folder != null) {
      writer.save(folder + "/" + table);
    } else {
      writer.saveAsTable(name(table));
    }
  }

  private Dataset<Row> read(String table) {
    return folder != null
        ? spark.read().format("delta").load(folder + "/" + table)
        : spark.table(name(table));
  }

  /** Every item seen so far. */
  public Dataset<Row> media() {
    return read("media");
  }

  /** Every flag raised so far, open or resolved. */
  public Dataset<Row> flags() {
    return read("flags");
  }

  /** The runs so far, oldest first; empty before the first. */
  public List<Row> runs() {
    return exists("runs") ? read("runs").orderBy("started_at").collectAsList() : List.of();
  }

  /**
   * What the incremental read writes into the commit info of its commits to the media table: its
   * micro-batch and its stream (the checkpoint), so the next batch can tell whether anything else
   * wrote since.
   */
  private static final String STREAM_BATCH = "coreviz-quality new items: batch %d of %s";

  /**
   * Adds the items of micro-batch {@code batchId} of the incremental read {@code stream} not seen
   * yet, as first seen and checked by {@code runId}. The items are new to the stream, but a full
   * run may have kept some already: when the table's last commit is this stream's previous batch,
   * nothing else wrote since and they are appended; when it is this very batch (kept before a crash
   * left its offsets uncommitted), there is nothing to do; otherwise an insert-only merge adds
   * those not kept. The check counts once the run's row is in the runs table ({@link #unchecked}).
   */
  public void insertNewMedia(
      Dataset<Row> items, String runId, Timestamp at, String stream, long batchId) {
    Dataset<Row> source = seenBy(items, runId, at, runId);
    boolean created = createMediaIfMissing(source);
    String mark = String.format(java.util.Locale.ROOT, STREAM_BATCH, batchId, stream);
    String last = created ? null : lastCommitMetadata("media");
    if (mark.equals(last)) {
      return;
    }
    if (created
        || String.format(java.util.Locale.ROOT, STREAM_BATCH, batchId - 1, stream).equals(last)) {
      write(source, "media", SaveMode.Append, Map.of("userMetadata", mark));
      return;
    }
    withSetting(
        spark,
        "spark.databricks.delta.commitInfo.userMetadata",
        mark,
        () ->
            delta("media")
                .as("t")
                .merge(source.as("s"), "t.id = s.id")
                .whenNotMatched()
                .insertAll()
                .execute());
  }

  /**
   * Runs {@code work} with {@code key} set to {@code value} in {@code session}, then restores it.
   */
  private static void withSetting(SparkSession session, String key, String value, Runnable work) {
    RuntimeConfig conf = session.conf();
    String before = conf.get(key, null);
    conf.set(key, value);
    try {
      work.run();
    } finally {
      if (before == null) {
        conf.unset(key);
      } else {
        conf.set(key, before);
      }
    }
  }

  /**
   * The {@code userMetadata} of {@code table}'s newest commit. Under a folder it is read from the
   * commit's file in the table's Delta log (a listing and one small file, where Delta's {@code
   * history} takes half a second on its first use in a JVM, a quarter of a night's append); in a
   * catalog, whose storage the job may not read directly, from {@code history(1)}.
   */
  private String lastCommitMetadata(String table) {
    if (folder == null) {
      return delta(table).history(1).select("userMetadata").first().getString(0);
    }
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(folder, table + "/_delta_log");
    try {
      // The session's Hadoop settings, as Delta reads the log with (storage keys set in a
      // notebook).
      FileSystem files = log.getFileSystem(spark.sessionState().newHadoopConf());
      FileStatus newest = null;
      for (FileStatus file : files.listStatus(log)) {
        String name = file.getPath().getName();
        if (COMMIT.matcher(name).matches()
            && (newest == null || name.compareTo(newest.getPath().getName()) > 0)) {
          newest = file;
        }
      }
      if (newest == null) {
        throw new IllegalStateException("no commit in " + log);
      }
      try (BufferedReader actions =
          new BufferedReader(
              new InputStreamReader(files.open(newest.getPath()), StandardCharsets.UTF_8))) {
        for (String line = actions.readLine(); line != null; line = actions.readLine()) {
          JsonNode info = JSON.readTree(line).get("commitInfo");
          if (info != null) {
            return info.path("userMetadata").textValue();
          }
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the newest commit in " + log, e);
    }
  }

  /**
   * The media table's columns whose minimum and maximum each file's statistics keep (Delta's {@code
   * delta.dataSkippingStatsColumns}): those a query of the history picks items by. By default Delta
   * keeps them for the first 32 columns, which for an item's nested columns costs half a second of
   * each night's small append; ids are random, so their ranges would skip no file.
   */
  static final String MEDIA_STATS_COLUMNS = "createdAt,first_seen_run,checked_run";

  /**
   * {@code items} as rows of the media table, first seen by {@code runId} at {@code at} and checked
   * by {@code checkedBy} (null: not yet).
   */
  private static Dataset<Row> seenBy(
      Dataset<Row> items, String runId, Timestamp at, String checkedBy) {
    return items
        .withColumn("first_seen_run", lit(runId))
        .withColumn("first_seen_at", lit(at))
        .withColumn("checked_run", lit(checkedBy).cast("string"));
  }

  /**
   * Creates the media table, empty, with the columns of {@code rows} (from {@link #seenBy}) where
   * there is none; whether it did.
   */
  private boolean createMediaIfMissing(Dataset<Row> rows) {
    if (exists("media")) {
      return false;
    }
    // The writing session's: a micro-batch's rows belong to the stream's copy of the session.
    withSetting(
        rows.sparkSession(),
        "spark.databricks.delta.properties.defaults.dataSkippingStatsColumns",
        MEDIA_STATS_COLUMNS,
        () -> write(rows.limit(0), "media", SaveMode.ErrorIfExists));
    return true;
  }

  /** Adds the items not seen yet and updates those already kept (a full run). */
  public void mergeMedia(Dataset<Row> items, String runId, Timestamp at) {
    Dataset<Row> source = seenBy(items, runId, at, null);
    createMediaIfMissing(source);
    Map<String, String> update = new LinkedHashMap<>();
    for (String column : items.columns()) {
      update.put("`" + column + "`", "s.`" + column + "`");
    }
    Map<String, String> insert = new LinkedHashMap<>(update);
    insert.put("first_seen_run", "s.first_seen_run");
    insert.put("first_seen_at", "s.first_seen_at");
    insert.put("checked_run", "s.checked_run");
    delta("media")
        .as("t")
        .merge(source.as("s"), "t.id = s.id")
        .whenMatched()
        .updateExpr(update)
        .whenNotMatched()
        .insertExpr(insert)
        .execute();
  }

  /** What each image's blob held when a run fetched it ({@link BlobChecks#SCHEMA}). */
  public Dataset<Row> blobs() {
    return read("blobs");
  }

  /** Adds or replaces these blob checks, by id. */
  public void mergeBlobs(Dataset<Row> checks) {
    upsert("blobs", checks, "t.id = s.id");
  }

  /** Adds these blob checks, of items none of which has one kept. */
  public void appendBlobs(Dataset<Row> checks) {
    write(checks, "blobs", SaveMode.Append);
  }

  /** Each image's CLIP embedding per model ({@code id}, {@code model}, {@code embedding}). */
  public Dataset<Row> embeddings() {
    return read("embeddings");
  }

  /** Adds or replaces these embeddings, by id and model. */
  public void mergeEmbeddings(Dataset<Row> embeddings) {
    upsert("embeddings", embeddings, "t.id = s.id AND t.model = s.model");
  }

  /** Adds these embeddings, of images none of which has one kept for its model. */
  public void appendEmbeddings(Dataset<Row> embeddings) {
    write(embeddings, "embeddings", SaveMode.Append);
  }

  private void upsert(String table, Dataset<Row> rows, String on) {
    if (!exists(table)) {
      write(rows.limit(0), table, SaveMode.ErrorIfExists);
    }
    delta(table)
        .as("t")
        .merge(rows.as("s"), on)
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /**
   * Whether a row of the media table is one no finished run has checked: never checked, or checked
   * by a run not among {@code finished} (one that failed before it wrote its row to the runs
   * table).
   */
  public static Column unchecked(List<RunRow> finished) {
    Object[] runIds = finished.stream().map(RunRow::runId).toArray();
    return col("checked_run").isNull().or(not(col("checked_run").isin(runIds)));
  }

  /** Marks {@code items} (rows with an {@code id}) as checked by {@code runId}. */
  public void markChecked(Dataset<Row> items, String runId) {
    delta("media")
        .as("t")
        .merge(items.select("id").distinct().as("s"), "t.id = s.id")
        .whenMatched()
        .updateExpr(Map.of("checked_run", "'" + runId.replace("'", "") + "'"))
        .execute();
  }

  /**
   * Records this run's flags ({@code id, name, type, path, reason}): new ones open with this run as
   * first seen, known ones are seen again (and reopened if they were resolved). A full run, which
   * checked every item, also resolves the open flags it did not raise.
   */
  public void mergeFlags(Dataset<Row> flagged, String runId, Timestamp at, boolean full) {
    Dataset<Row> source = flagRows(flagged, runId, at);
    Map<String, String> seen = new LinkedHashMap<>();
    for (String column :
        List.of("name", "type", "path", "last_seen_run", "last_seen_at", "resolved_at")) {
      seen.put(column, "s." + column);
    }
    seen.put("resolved_run", "s.resolved_run");
    var merge =
        delta("flags")
            .as("t")
            .merge(source.as("s"), "t.id = s.id AND t.reason = s.reason")
            .whenMatched()
            .updateExpr(seen)
            .whenNotMatched()
            .insertAll();
    if (full) {
      merge =
          merge
              .whenNotMatchedBySource("t.resolved_at IS NULL")
              .updateExpr(
                  Map.of(
                      "resolved_at",
                      "timestamp'" + at + "'",
                      "resolved_run",
                      "'" + runId.replace("'", "") + "'"));
    }
    merge.execute();
  }

  /** Records the flags of items none of which has a flag kept: each opens with this run. */
  public void appendFlags(Dataset<Row> flagged, String runId, Timestamp at) {
    write(flagRows(flagged, runId, at), "flags", SaveMode.Append);
  }

  /** {@code flagged} as rows of the flags table, raised by {@code runId}; creates the table. */
  private Dataset<Row> flagRows(Dataset<Row> flagged, String runId, Timestamp at) {
    Dataset<Row> source =
        flagged
            .select("id", "reason", "name", "type", "path")
            .withColumn("first_seen_run", lit(runId))
            .withColumn("first_seen_at", lit(at))
            .withColumn("last_seen_run", lit(runId))
            .withColumn("last_seen_at", lit(at))
            .withColumn("resolved_at", lit(null).cast("timestamp"))
            .withColumn("resolved_run", lit(null).cast("string"));
    if (!exists("flags")) {
      write(source.limit(0), "flags", SaveMode.ErrorIfExists);
    }
    return source;
  }

  /** Appends this run's row. */
  public void appendRun(RunRow run) {
    write(spark.createDataFrame(List.of(run.toRow()), RunRow.SCHEMA), "runs", SaveMode.Append);
  }

  /** The runs so far, oldest first. */
  public List<RunRow> runHistory() {
    return runs().stream().map(RunRow::of).toList();
  }
}
