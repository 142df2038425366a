package io.coreviz.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.catalog.CoreVizCatalog;
import io.coreviz.spark.clip.ClipSqlFunctions;
import io.coreviz.spark.functions.CoreVizColumns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs every cell of notebooks/dataset_quality_investigation.sql against the local server and
 * checks the key results against the same queries on a table built from the server's data; and runs
 * the Python notebook's Spark calls, mirrored in Java.
 */
class NotebookTest {

  private static final String KEY = "sk-notebook-66e1";
  private static final String PLACEHOLDER = "00000000000000000000000000000000";
  private static final MediaCollection collection = SyntheticCollection.generate(29, 800);

  @SharedSpark(
      settings = {
        "spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions",
        "spark.redaction.regex=" + SparkTestSession.REDACTION,
        "spark.coreviz.apiKey=" + KEY // as a cluster would set it
      })
  private static SparkSession spark;

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(collection).credential(KEY));

  @BeforeAll
  static void catalog() {
    spark.conf().set("spark.sql.catalog.coreviz", CoreVizCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.coreviz.endpoint", server.baseUrl());
    spark.conf().set("spark.sql.catalog.coreviz.collections", collection.id());
    ModelTable.of(spark, server.get(), collection).createOrReplaceTempView("model");
  }

  /** The notebook's SQL cells, with the collection id and endpoint of this test's server. */
  private static List<String> sqlCells() throws Exception {
    String notebook = Files.readString(notebookDir().resolve("dataset_quality_investigation.sql"));
    assertThat(notebook).startsWith("-- Databricks notebook source");
    List<String> cells = new ArrayList<>();
    for (String cell : notebook.split("\n-- COMMAND ----------\n")) {
      StringBuilder sql = new StringBuilder();
      for (String line : cell.split("\n")) {
        if (!line.startsWith("--")) {
          sql.append(line).append('\n');
        }
      }
      String statement =
          sql.toString()
              .strip()
              .replace(
                  "SET collection_id = " + PLACEHOLDER, "SET collection_id = " + collection.id())
              .replace(
                  "SET coreviz_endpoint = https://lab.coreviz.io",
                  "SET coreviz_endpoint = " + server.baseUrl());
      if (!statement.isEmpty()) {
        cells.add(statement);
      }
    }
    return cells;
  }

  private static Path notebookDir() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isDirectory(dir.resolve("notebooks"))) {
      dir = dir.getParent();
    }
    return dir.resolve("notebooks");
  }

  private static List<String> strings(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).toList();
  }

  @Test
  void everySqlCellRunsAndTheKeyCellsAreRight() throws Exception {
    List<String> cells = sqlCells();
    Map<String, List<String>> results = new java.util.LinkedHashMap<>();
    for (String cell : cells) {
      results.put(cell, strings(spark.sql(cell)));
    }

    assertThat(cells).hasSizeGreaterThanOrEqualTo(10);
    for (Map.Entry<String, List<String>> cell : results.entrySet()) {
      String sql = cell.getKey();
      // The cells name the table through the notebook's variable, resolved by Spark at run time.
      String onModel = sql.replace("coreviz.`${collection_id}`", "model");
      assertThat(onModel.equals(sql) && sql.contains("coreviz.`"))
          .as("a cell reading the collection must have a model counterpart: %s", sql)
          .isFalse();
      if (sql.startsWith("SELECT") && !sql.contains("red_shoes")) {
        assertThat(cell.getValue()).as(sql).isEqualTo(strings(spark.sql(onModel))).isNotEmpty();
      }
      if (sql.startsWith("EXPLAIN")) {
        assertThat(cell.getValue().get(0))
            .contains("tagFilters")
            .contains("type=video")
            .contains("dateFrom=2026-01-31")
            .doesNotContain(KEY);
      }
    }
    MediaSearch.Result oracle =
        MediaSearch.search(
            collection,
            MediaQuery.parse(
                Map.of("q", "red shoe", "minScore", "0.3", "limit", "10"), collection.id(), 100));
    String search = cells.get(cells.size() - 1);
    List<Double> scores =
        spark.sql(search).collectAsList().stream().map(r -> r.getDouble(2)).toList();
    assertThat(scores)
        .isEqualTo(
            oracle.page().stream().map(hit -> Math.round(hit.score() * 1000) / 1000.0).toList());
  }

  /** The Python notebook's calls, one for one. */
  @Test
  void pythonNotebookCallsMirroredInJava() throws Exception {
    String python = Files.readString(notebookDir().resolve("dataset_quality_investigation.py"));
    assertThat(python)
        .startsWith("# Databricks notebook source")
        .contains("# COMMAND ----------")
        .contains("F.call_function(\"coreviz.has_tag\"")
        .contains("NotebookTest.pythonNotebookCallsMirroredInJava");
    Dataset<Row> media = spark.table("coreviz.`" + collection.id() + "`");
    Dataset<Row> model = spark.table("model");

    assertThat(strings(media.groupBy("type", "status").count().orderBy("type", "status")))
        .isEqualTo(strings(model.groupBy("type", "status").count().orderBy("type", "status")));

    server.clearRequests();
    java.util.function.Function<Dataset<Row>, Dataset<Row>> redOrBlueSummerImages =
        table ->
            table
                .filter(
                    CoreVizColumns.hasTag("color", "red")
                        .or(CoreVizColumns.hasTag("color", "blue")))
                .filter(CoreVizColumns.hasAnyTag("season", "summer"))
                .filter(col("type").equalTo("image"))
                .filter(col("createdAt").geq(lit("2026-02-01 00:00:00").cast("timestamp")));
    long count = redOrBlueSummerImages.apply(media).count();
    assertThat(server.mediaRequests())
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.query())
                    .containsEntry("type", "image")
                    .containsEntry(
                        "tagFilters", "{\"color\":[\"red\",\"blue\"],\"season\":[\"summer\"]}"))
        .anySatisfy(r -> assertThat(r.query()).containsEntry("dateFrom", "2026-01-31"));
    assertThat(count).isEqualTo(redOrBlueSummerImages.apply(model).count());

    java.util.function.Function<Dataset<Row>, Dataset<Row>> labels =
        table ->
            table
                .select(explode(col("frames")).alias("frame"))
                .select(explode(col("frame.objects")).alias("obj"))
                .groupBy(col("obj.label").alias("label"))
                .count()
                .orderBy(desc("count"), col("label"));
    assertThat(strings(labels.apply(media))).isEqualTo(strings(labels.apply(model)));

    List<Row> redShoes =
        spark
            .read()
            .format("coreviz")
            .option("endpoint", server.baseUrl())
            .option("collectionId", collection.id())
            .option("q", "red shoe")
            .option("minScore", "0.3")
            .load()
            .orderBy(desc("_score"))
            .limit(10)
            .collectAsList();
    assertThat(redShoes).isNotEmpty();

    spark
        .conf()
        .set(
            ClipSqlFunctions.MODEL_CONF,
            Paths.get(getClass().getResource("/clip/optimum").toURI()).toString());
    media.createOrReplaceTempView("media_for_clip");
    Dataset<Row> clipScores =
        spark.sql(
            "SELECT id, name, type, clip_score(image, text) AS score, clip_error(image) AS error"
                + " FROM (SELECT id, name, type, CASE WHEN type = 'video' THEN"
                + " transform(frames, f -> f.blob) ELSE array(blob) END AS image,"
                + " coalesce(metadata.description, metadata.prompt) AS text FROM media_for_clip"
                + " WHERE type IN ('image', 'video')) WHERE text IS NOT NULL");
    List<MediaItem> described =
        collection.media().stream()
            .filter(item -> item.description() != null || item.prompt() != null)
            .toList();
    long withoutFrames =
        described.stream()
            .filter(item -> MediaItem.VIDEO.equals(item.type()) && item.frames().isEmpty())
            .count();
    List<Row> rows = clipScores.collectAsList();
    assertThat(rows).hasSize(described.size());
    assertThat(rows.stream().filter(r -> !r.isNullAt(4)).count()).isEqualTo(withoutFrames);
    assertThat(rows.stream().filter(r -> r.isNullAt(3)).count()).isEqualTo(withoutFrames);
    assertThat(python)
        .contains("spark.conf.set(\"" + ClipSqlFunctions.MODEL_CONF + "\", clip_model)")
        .as("Spark Connect has no JVM to call")
        .doesNotContain("_jvm")
        .doesNotContain("_jsparkSession");

    assertThat(python)
        .contains(
            "media.filter(F.col(\"type\") == \"image\").limit(6)"
                + ".select(\"name\", \"image\", \"image_error\")");
    List<Row> pictures =
        media
            .filter(col("type").equalTo("image"))
            .limit(6)
            .select("name", "image", "image_error")
            .collectAsList();
    assertThat(pictures).hasSize(6);
    // DESCRIBE TABLE EXTENDED lists the hidden columns, each saying when it is downloaded.
    List<String> description =
        spark
            .sql("DESCRIBE TABLE EXTENDED coreviz.`" + collection.id() + "`")
            .collectAsList()
            .stream()
            .map(row -> row.getString(0) + " | " + row.getString(2))
            .toList();
    int hidden = description.indexOf("# Metadata Columns | ");
    assertThat(hidden).as("DESCRIBE TABLE EXTENDED: %s", description).isPositive();
    assertThat(description.subList(hidden + 1, hidden + 5))
        .extracting(line -> line.substring(0, line.indexOf(' ')))
        .containsExactly("content", "content_error", "image", "image_error");
    assertThat(description.get(hidden + 1))
        .contains("downloaded only when a query names this column");
    assertThat(description.get(hidden + 3))
        .contains("downloaded only when a query names this column");
    for (Row picture : pictures) {
      if (picture.isNullAt(1)) {
        assertThat(picture.getString(2))
            .as("why %s has no image", picture.getString(0))
            .isNotNull();
        continue;
      }
      Row image = picture.getStruct(1);
      MediaItem item =
          collection.media().stream()
              .filter(m -> image.getString(0).endsWith("/" + m.blobKey()))
              .findFirst()
              .orElseThrow();
      assertThat(item.name()).isEqualTo(picture.getString(0));
      if (item.width() != null && item.height() != null) {
        assertThat(image.getInt(2)).as("width of %s", item.id()).isEqualTo(item.width());
        assertThat(image.getInt(1)).as("height of %s", item.id()).isEqualTo(item.height());
      }
    }
  }
}
