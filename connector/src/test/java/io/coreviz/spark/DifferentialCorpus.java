package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of queries, each run three ways: on the connector with pushdown ({@code pushed}), with
 * every pushdown off ({@code plain}), and on a table built straight from the emulator's stored
 * items ({@code model}). All three must agree. Subclasses choose how the local server reads the API
 * page.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DifferentialCorpus {

  static final String KEY = "sk-differential-4471";
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  SparkSession spark;
  CoreVizEmulator server;
  MediaCollection collection;

  /** The local server the corpus runs against, with its reading of the API page. */
  abstract CoreVizEmulator.Builder server();

  @BeforeAll
  void start() {
    collection = SyntheticCollection.generate(77, 900);
    server = server().collection(collection).credential(KEY).start();
    spark = SparkTestSession.start(getClass().getSimpleName());
    coreviz(Map.of()).createOrReplaceTempView("pushed");
    coreviz(Map.of("pushDown", "false")).createOrReplaceTempView("plain");
    ModelTable.of(spark, server, collection).createOrReplaceTempView("model");
  }

  @AfterAll
  void stop() {
    SparkTestSession.stop(spark);
    server.close();
  }

  @BeforeEach
  void clearLog() {
    server.clearRequests();
  }

  Dataset<Row> coreviz(Map<String, String> extra) {
    return TestReads.coreviz(spark, server, KEY, collection)
        .option("pageSize", "100")
        .options(extra)
        .load();
  }

  /** How results are compared: as a multiset, in order, or only by size (LIMIT without ORDER). */
  enum Compare {
    ROWS,
    ORDERED,
    COUNT
  }

  private static Arguments q(String sql, Compare compare) {
    return Arguments.of(sql, compare);
  }

  private static Arguments q(String sql) {
    return q(sql, Compare.ROWS);
  }

  Stream<Arguments> queries() {
    List<MediaItem> media = collection.media();
    MediaItem some = media.get(40);
    MediaItem video =
        media.stream().filter(m -> m.type().equals("video")).findFirst().orElseThrow();
    MediaItem folder =
        collection.items().stream()
            .filter(MediaItem::isFolder)
            .max(Comparator.comparingInt(f -> ModelTable.mediaUnder(collection, f).size()))
            .orElseThrow();
    MediaItem nested =
        media.stream().filter(m -> m.path().split("\\.").length > 3).findFirst().orElseThrow();
    Map<Instant, Long> times =
        media.stream().collect(Collectors.groupingBy(MediaItem::createdAt, Collectors.counting()));
    Instant tied =
        times.entrySet().stream().filter(e -> e.getValue() > 1).findFirst().orElseThrow().getKey();
    String t = "TIMESTAMP '" + SQL_TIME.format(tied) + "'";
    String partial = folder.path().substring(0, folder.path().length() - 3);
    return Stream.of(
        q("SELECT count(*) FROM {t}"),
        q("SELECT count(*) FROM {t} WHERE type = 'image'"),
        q(
            "SELECT count(1) FROM {t} WHERE type = 'video' AND createdAt >= TIMESTAMP '2026-02-01 00:00:00'"),
        q("SELECT count(*) FROM {t} WHERE type = 'folder'"),
        q("SELECT count(*) FROM {t} WHERE type IN ('image', 'folder')"),
        q("SELECT count(*) FROM {t} WHERE status = 'failed'"),
        q("SELECT count(*) FROM {t} WHERE id = '" + some.id() + "'"),
        q("SELECT id FROM {t} WHERE type IN ('image', 'folder')"),
        q("SELECT id FROM {t} WHERE type = 'image' OR type = 'video'"),
        q("SELECT id FROM {t} WHERE NOT type = 'image'"),
        q("SELECT id FROM {t} WHERE type <> 'folder'"),
        q("SELECT id FROM {t} WHERE type = 'photo'"),
        q("SELECT id FROM {t} WHERE type = 'image' AND type = 'video'"),
        q(
            "SELECT id, createdAt FROM {t} WHERE createdAt >= TIMESTAMP '2026-02-01 00:00:00'"
                + " AND createdAt < TIMESTAMP '2026-03-01 00:00:00'"),
        q(
            "SELECT id FROM {t} WHERE createdAt BETWEEN TIMESTAMP '2026-02-01 10:30:00'"
                + " AND TIMESTAMP '2026-02-15 08:00:00'"),
        q("SELECT id FROM {t} WHERE createdAt > TIMESTAMP '2026-01-31 23:59:59.999999'"),
        q("SELECT id FROM {t} WHERE createdAt <= TIMESTAMP '2026-01-20 23:59:59.999999'"),
        q("SELECT id FROM {t} WHERE createdAt > TIMESTAMP '2026-02-10 00:00:00'"),
        q(
            "SELECT id FROM {t} WHERE createdAt < TIMESTAMP '2026-02-10 12:00:00' AND type = 'image'"),
        q("SELECT id FROM {t} WHERE createdAt = " + t),
        q("SELECT id FROM {t} WHERE " + t + " <= createdAt AND type = 'image'"),
        q("SELECT id FROM {t} WHERE createdAt IS NULL"),
        q("SELECT id FROM {t} WHERE id = '" + some.id() + "'"),
        q(
            "SELECT id, name FROM {t} WHERE id IN ('"
                + some.id()
                + "', '"
                + video.id()
                + "', 'missing')"),
        q("SELECT id FROM {t} WHERE id = '" + video.id() + "' AND type = 'image'"),
        q("SELECT id FROM {t} WHERE startswith(path, '" + folder.path() + ".')"),
        q("SELECT id FROM {t} WHERE path LIKE '" + folder.path() + ".%' AND type = 'video'"),
        q("SELECT id FROM {t} WHERE startswith(path, '" + partial + "')"),
        q("SELECT id FROM {t} WHERE path = '" + nested.path() + "'"),
        q("SELECT id FROM {t} WHERE width > 500"),
        q("SELECT id FROM {t} WHERE width IS NULL OR sizeBytes = 0"),
        q("SELECT id, duration FROM {t} WHERE duration > 60 AND type = 'video'"),
        q("SELECT id FROM {t} WHERE array_contains(metadata.tags['color'], 'red')"),
        q("SELECT id FROM {t} WHERE metadata.tags['season'] IS NULL AND type = 'image'"),
        q("SELECT id FROM {t} WHERE size(frames) = 0 AND type = 'video'"),
        q("SELECT id FROM {t} WHERE exists(frames, f -> exists(f.objects, o -> o.label = 'dog'))"),
        q("SELECT name FROM {t} WHERE name LIKE '%café%'"),
        q("SELECT type, count(*) FROM {t} GROUP BY type"),
        q("SELECT id FROM {t} WHERE type = 'image' AND (width > 400 OR height > 400)"),
        q(
            "SELECT obj.label, count(*) FROM {t} LATERAL VIEW explode(frames) AS fr"
                + " LATERAL VIEW explode(fr.objects) AS obj GROUP BY obj.label"),
        q("SELECT max(createdAt), min(createdAt) FROM {t} WHERE type = 'image'"),
        q(
            "SELECT id FROM {t} WHERE get_json_object(metadata.json, '$.moderation.flagged') = 'true'"),
        q(
            "SELECT id FROM {t} WHERE type = 'video' AND createdAt < TIMESTAMP '2026-02-01 00:00:00'"
                + " AND size(frames) > 2"),
        q("SELECT * FROM {t} WHERE type = 'folder'"),
        q("SELECT * FROM {t} WHERE createdAt >= TIMESTAMP '2026-03-15 00:00:00'"),
        q("SELECT id FROM {t} WHERE type = 'image' LIMIT 5", Compare.COUNT),
        q("SELECT * FROM {t} LIMIT 120", Compare.COUNT),
        q("SELECT name FROM {t} ORDER BY name LIMIT 7", Compare.ORDERED),
        q("SELECT createdAt FROM {t} ORDER BY createdAt DESC LIMIT 250", Compare.ORDERED),
        q("SELECT type FROM {t} ORDER BY type LIMIT 3", Compare.ORDERED),
        q("SELECT name FROM {t} WHERE type = 'video' ORDER BY name DESC LIMIT 10", Compare.ORDERED),
        q(
            "SELECT createdAt FROM {t} WHERE type IN ('image', 'video') ORDER BY createdAt LIMIT 15",
            Compare.ORDERED),
        q(
            "SELECT width FROM {t} WHERE width IS NOT NULL ORDER BY width DESC LIMIT 5",
            Compare.ORDERED));
  }

  private List<String> run(String sql, String table) {
    return spark.sql(sql.replace("{t}", table)).collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void pushedPlainAndModelAgree(String sql, Compare compare) {
    List<String> model = run(sql, "model");
    List<String> plain = run(sql, "plain");
    List<String> pushed = run(sql, "pushed");

    switch (compare) {
      case ROWS -> {
        assertThat(plain).as("plain vs model").containsExactlyInAnyOrderElementsOf(model);
        assertThat(pushed).as("pushed vs model").containsExactlyInAnyOrderElementsOf(model);
      }
      case ORDERED -> {
        assertThat(plain).as("plain vs model").containsExactlyElementsOf(model);
        assertThat(pushed).as("pushed vs model").containsExactlyElementsOf(model);
      }
      case COUNT -> {
        List<String> all = run(sql.replaceAll(" LIMIT \\d+$", ""), "model");
        assertThat(plain).hasSameSizeAs(model).isSubsetOf(all);
        assertThat(pushed).hasSameSizeAs(model).isSubsetOf(all);
      }
    }
  }

  @Test
  void corpusIsAsLargeAsReadmeSays() throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
    while (!java.nio.file.Files.exists(dir.resolve("README.md"))
        || !java.nio.file.Files.isDirectory(dir.resolve("connector"))) {
      dir = dir.getParent();
    }
    java.util.regex.Matcher claim =
        java.util.regex.Pattern.compile("corpus of (\\d+) queries")
            .matcher(java.nio.file.Files.readString(dir.resolve("README.md")));

    assertThat(claim.find()).as("README states the corpus size").isTrue();
    assertThat(queries().count()).isEqualTo(Long.parseLong(claim.group(1)));
  }
}
