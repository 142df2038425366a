package io.coreviz.spark.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector through Spark Connect, as a Databricks standard-access cluster runs it: one Connect
 * server (its own JVM, the {@code -all} jar, settings given when it starts, as a cluster's Spark
 * config) shared by the class, and this JVM holding only the JVM Connect client and the local
 * CoreViz server. Expectations come from the local server's stored items and the CLIP goldens.
 *
 * <p>Each way of giving a key reads a collection only that key may read: {@code MEDIA} (the
 * catalog's key, a SQL {@code OPTIONS} key, a key file) and {@code CLIP} ({@code
 * spark.coreviz.apiKey}); so a read that succeeds used the way it was given.
 */
class SparkConnectTierTest {

  private static final String CATALOG_KEY = "sk-connect-catalog-5d1e";
  private static final String SESSION_KEY = "sk-connect-session-81c7";
  private static final String OPTIONS_KEY = "sk-connect-options-2b90";
  private static final String FILE_KEY = "sk-connect-file-c3a4";
  private static final List<String> KEYS = List.of(CATALOG_KEY, SESSION_KEY, OPTIONS_KEY, FILE_KEY);

  private static final MediaCollection MEDIA = SyntheticCollection.generate(71, 300);
  private static final String CLIP = "c11bc11bc11bc11bc11bc11bc11bc11b";
  private static final Path CLIP_RESOURCES = Path.of(System.getProperty("connect.clip.resources"));
  private static final List<String> TEXTS =
      List.of("a photo of a cat", "red shoes, blue sky", "naïve café déjà vu");

  @TempDir static Path dir;

  private static CoreVizEmulator coreviz;
  private static ConnectServer server;
  private static SparkSession spark;
  private static JsonNode golden;

  @BeforeAll
  static void start() throws Exception {
    golden = new ObjectMapper().readTree(CLIP_RESOURCES.resolve("optimum/golden.json").toFile());
    coreviz =
        CoreVizEmulator.builder()
            .collection(MEDIA)
            .collection(clipCollection())
            .credential(CATALOG_KEY, MEDIA.id())
            .credential(OPTIONS_KEY, MEDIA.id())
            .credential(FILE_KEY, MEDIA.id())
            .credential(SESSION_KEY, CLIP)
            .start();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.master", "local[2]");
    settings.put("spark.ui.enabled", "false");
    settings.put("spark.sql.shuffle.partitions", "2");
    settings.put("spark.sql.extensions", "io.coreviz.spark.catalog.CoreVizExtensions");
    settings.put("spark.redaction.regex", "(?i)secret|password|token|access[.]?key|apikey");
    settings.put("spark.coreviz.apiKey", SESSION_KEY);
    settings.put("spark.sql.catalog.cv", "io.coreviz.spark.catalog.CoreVizCatalog");
    settings.put("spark.sql.catalog.cv.endpoint", coreviz.baseUrl());
    settings.put("spark.sql.catalog.cv.apiKey", CATALOG_KEY);
    settings.put("spark.sql.catalog.cv.collections", MEDIA.id());
    server = ConnectServer.start(settings, Path.of("target", "connect-server.log"));
    spark = SparkSession.builder().remote(server.remote()).getOrCreate();
    System.out.println(
        "Spark Connect tier: a Connect server of Spark "
            + spark.version()
            + " with the connector's -all jar, this JVM its client");
    assertThat(spark.version()).isEqualTo(System.getProperty("connect.spark.version"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      String log = server.log();
      for (String key : KEYS) {
        assertThat(log).as("the Connect server's log").doesNotContain(key);
      }
    }
    if (spark != null) {
      spark.close();
    }
    if (server != null) {
      server.close();
    }
    if (coreviz != null) {
      coreviz.close();
    }
  }

  private static Dataset<Row> media(Map<String, String> options) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", coreviz.baseUrl())
        .option("collectionId", MEDIA.id())
        .options(options)
        .load();
  }

  /** Id to frame count, object count of every item (folders too) the local server stores. */
  private static Map<String, List<Integer>> stored(MediaCollection collection) {
    Map<String, List<Integer>> items = new TreeMap<>();
    for (MediaItem item : collection.items()) {
      items.put(
          item.id(),
          List.of(
              item.frames().size(),
              item.frames().stream().mapToInt(frame -> frame.objects().size()).sum()));
    }
    return items;
  }

  @Test
  void aReadWithOptionsReturnsTheStoredItemsWithTheirFramesAndObjects() {
    Dataset<Row> rows =
        media(Map.of("apiKey", OPTIONS_KEY, "pageSize", "50", "maxConcurrentRequests", "4"))
            .selectExpr(
                "id",
                "size(frames) AS frames",
                "aggregate(frames, 0, (n, f) -> n + size(f.objects)) AS objects");

    Map<String, List<Integer>> read = new TreeMap<>();
    for (Row row : rows.collectAsList()) {
      assertThat(read.put(row.getString(0), List.of(row.getInt(1), row.getInt(2))))
          .as("repeated id %s", row.getString(0))
          .isNull();
    }

    assertThat(read).isEqualTo(stored(MEDIA)).hasSizeGreaterThan(300);
  }

  @Test
  void theCatalogPushesHasTagDown() {
    Map.Entry<String, String> tag = aTag();
    Set<String> expected =
        MEDIA.items().stream()
            .filter(i -> !i.isFolder())
            .filter(i -> i.tags().getOrDefault(tag.getKey(), List.of()).contains(tag.getValue()))
            .map(MediaItem::id)
            .collect(Collectors.toCollection(TreeSet::new));
    coreviz.clearRequests();

    List<Row> rows =
        spark
            .sql(
                "SELECT id FROM cv.`"
                    + MEDIA.id()
                    + "` WHERE cv.has_tag(metadata.tags, '"
                    + tag.getKey()
                    + "', '"
                    + tag.getValue()
                    + "')")
            .collectAsList();

    Set<String> read =
        rows.stream().map(r -> r.getString(0)).collect(Collectors.toCollection(TreeSet::new));
    assertThat(read).isEqualTo(expected).isNotEmpty();
    assertThat(coreviz.mediaRequests())
        .as("every request carries the tag filter")
        .isNotEmpty()
        .allSatisfy(
            r ->
                assertThat(r.query().get("tagFilters"))
                    .contains(tag.getKey())
                    .contains(tag.getValue()));
  }

  /** A tag group and value some but not all stored items carry. */
  private static Map.Entry<String, String> aTag() {
    Map<String, Integer> counts = new TreeMap<>();
    for (MediaItem item : MEDIA.items()) {
      item.tags()
          .forEach(
              (group, values) ->
                  values.forEach(v -> counts.merge(group + "\0" + v, 1, Integer::sum)));
    }
    String chosen =
        counts.entrySet().stream()
            .filter(e -> e.getValue() > 5 && e.getValue() < 100)
            .findFirst()
            .orElseThrow()
            .getKey();
    String[] parts = chosen.split("\0");
    return Map.entry(parts[0], parts[1]);
  }

  @Test
  void theClipFunctionsNeedOnlyTheModelSetting() {
    SparkSession session = spark.newSession();
    session
        .conf()
        .set("spark.coreviz.clip.modelPath", CLIP_RESOURCES.resolve("optimum").toString());
    session
        .read()
        .format("coreviz")
        .option("endpoint", coreviz.baseUrl())
        .option("collectionId", CLIP)
        .load()
        .createOrReplaceTempView("clip_media");

    List<Row> rows =
        session
            .sql(
                "SELECT name, metadata.description AS text,"
                    + " clip_cosine(blob, metadata.description) AS cosine FROM clip_media")
            .collectAsList();

    assertThat(rows).hasSize(golden.get("images").size());
    for (Row row : rows) {
      String name = row.getString(0);
      float[] image = embedding(golden.get("images"), "name", name);
      float[] text = embedding(golden.get("texts"), "text", row.getString(1));
      double tolerance = name.endsWith(".jpg") ? 5e-3 : 1e-4;
      assertThat(row.getDouble(2)).as(name).isCloseTo(dot(image, text), within(tolerance));
    }
  }

  @Test
  void aWrongKeyFailsNaming401AndNotTheKey() {
    String wrong = "sk-connect-wrong-77ab";

    Throwable failure = catchThrowable(() -> media(Map.of("apiKey", wrong)).count());

    assertThat(failure).isNotNull();
    assertThat(messages(failure)).contains("401").doesNotContain(wrong);
    assertThat(server.log()).doesNotContain(wrong);
  }

  @Test
  void aKeyFileIsReadOnTheServer() throws Exception {
    Path file = dir.resolve("coreviz.key");
    Files.writeString(file, FILE_KEY + "\n");

    long rows = media(Map.of("apiKeyFile", file.toString())).select("id").collectAsList().size();

    assertThat(rows).isEqualTo(stored(MEDIA).size());
  }

  @Test
  void anAvailableNowStreamIntoFilesHoldsEveryItemOnce() throws Exception {
    Path out = dir.resolve("stream-out");
    Path checkpoint = dir.resolve("stream-checkpoint");

    spark
        .readStream()
        .format("coreviz")
        .option("endpoint", coreviz.baseUrl())
        .option("collectionId", MEDIA.id())
        .option("apiKey", OPTIONS_KEY)
        .load()
        .select("id", "createdAt")
        .writeStream()
        .format("parquet")
        .option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.AvailableNow())
        .start(out.toString())
        .awaitTermination();

    List<String> ids =
        spark.read().parquet(out.toString()).select("id").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList();
    assertThat(new TreeSet<>(ids)).hasSize(ids.size()).isEqualTo(stored(MEDIA).keySet());
  }

  @Test
  void whatAClientSeesOfEachCredential() throws Exception {
    // SQL OPTIONS and a key file: read through a view, so the statement carries them.
    Path file = dir.resolve("view.key");
    Files.writeString(file, FILE_KEY);
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW by_options USING coreviz OPTIONS (endpoint '"
            + coreviz.baseUrl()
            + "', collectionId '"
            + MEDIA.id()
            + "', apiKey '"
            + OPTIONS_KEY
            + "')");
    spark.sql(
        "CREATE OR REPLACE TEMPORARY VIEW by_file USING coreviz OPTIONS (endpoint '"
            + coreviz.baseUrl()
            + "', collectionId '"
            + MEDIA.id()
            + "', apiKeyFile '"
            + file
            + "')");
    long stored = MEDIA.items().size();
    assertThat(spark.sql("SELECT id FROM by_options").collectAsList()).hasSize((int) stored);
    assertThat(spark.sql("SELECT id FROM by_file").collectAsList()).hasSize((int) stored);

    String set = rows(spark.sql("SET"));
    String setVerbose = rows(spark.sql("SET -v"));
    String setSession = rows(spark.sql("SET spark.coreviz.apiKey"));
    String setCatalog = rows(spark.sql("SET spark.sql.catalog.cv.apiKey"));
    Map<String, String> all = new TreeMap<>();
    spark.conf().getAll().foreach(setting -> all.put(setting._1(), setting._2()));

    // SET redacts the cluster's credential settings; SET -v lists only Spark's own settings.
    assertThat(setSession).contains("*********(redacted)");
    assertThat(setCatalog).contains("*********(redacted)");
    assertThat(set).contains("spark.coreviz.apiKey,*********(redacted)");
    for (String key : KEYS) {
      assertThat(set + setVerbose + setSession + setCatalog).doesNotContain(key);
    }
    // spark.conf.get and getAll answer from the session's settings unredacted: a Connect client
    // reads a key held in the cluster's Spark config in full.
    assertThat(spark.conf().get("spark.coreviz.apiKey")).isEqualTo(SESSION_KEY);
    assertThat(spark.conf().get("spark.sql.catalog.cv.apiKey")).isEqualTo(CATALOG_KEY);
    assertThat(all)
        .containsEntry("spark.coreviz.apiKey", SESSION_KEY)
        .containsEntry("spark.sql.catalog.cv.apiKey", CATALOG_KEY);
    // A key in SQL OPTIONS or in a key file is no setting: no client sees it.
    assertThat(all.toString()).doesNotContain(OPTIONS_KEY).doesNotContain(FILE_KEY);
  }

  private static String rows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).collect(Collectors.joining("\n"));
  }

  /** The messages of {@code failure} and its causes. */
  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }

  private static float[] embedding(JsonNode entries, String field, String value) {
    for (JsonNode entry : entries) {
      if (entry.get(field).asText().equals(value)) {
        JsonNode array = entry.get("embedding");
        float[] floats = new float[array.size()];
        for (int i = 0; i < floats.length; i++) {
          floats[i] = (float) array.get(i).asDouble();
        }
        return floats;
      }
    }
    throw new IllegalArgumentException("no golden embedding for " + value);
  }

  private static double dot(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return sum;
  }

  /** The golden images as items of a collection, each described by one of {@link #TEXTS}. */
  private static MediaCollection clipCollection() {
    List<MediaItem> items = new ArrayList<>();
    Map<String, Blob> blobs = new HashMap<>();
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    int n = 0;
    for (JsonNode image : golden.get("images")) {
      String name = image.get("name").asText();
      String id = "img" + n;
      Path bytes = CLIP_RESOURCES.resolve("images").resolve(name);
      blobs.put(id, new Blob(contentType(name), () -> read(bytes)));
      Instant at = created.plusSeconds(n);
      items.add(
          new MediaItem(
              id,
              name,
              MediaItem.IMAGE,
              id,
              CLIP + "." + id,
              at,
              at,
              null,
              null,
              null,
              1000L,
              "active",
              Map.of("description", TEXTS.get(n % TEXTS.size())),
              1,
              null,
              List.of()));
      n++;
    }
    return new MediaCollection(CLIP, items, blobs);
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String contentType(String name) {
    return name.endsWith(".png")
        ? "image/png"
        : name.endsWith(".jpg") ? "image/jpeg" : "image/webp";
  }
}
