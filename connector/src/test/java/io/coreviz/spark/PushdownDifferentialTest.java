package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every query runs three ways: on the connector with pushdown ({@code pushed}), with every pushdown
 * off ({@code plain}), and on a table built straight from the emulator's stored items ({@code
 * model}). All three must agree.
 */
class PushdownDifferentialTest {

  private static final String KEY = "sk-differential-4471";
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private static SparkSession spark;
  private static CoreVizEmulator server;
  private static MediaCollection collection;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(77, 900);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = SparkTestSession.start("PushdownDifferentialTest");
    coreviz(Map.of()).createOrReplaceTempView("pushed");
    coreviz(Map.of("pushDown", "false")).createOrReplaceTempView("plain");
    ModelTable.of(spark, server, collection).createOrReplaceTempView("model");
  }

  @AfterAll
  static void stop() {
    SparkTestSession.stop(spark);
    server.close();
  }

  @BeforeEach
  void clearLog() {
    server.clearRequests();
  }

  private static Dataset<Row> coreviz(Map<String, String> extra) {
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

  static Stream<Arguments> queries() {
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

  private static List<String> run(String sql, String table) {
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

  private List<RecordedRequest> requestsOf(String sql) {
    server.clearRequests();
    spark.sql(sql).collectAsList();
    return server.mediaRequests();
  }

  @Test
  void countWithPushableFiltersIsOneRequest() {
    List<RecordedRequest> requests =
        requestsOf(
            "SELECT count(*) FROM pushed WHERE type = 'image' AND createdAt >= TIMESTAMP '2026-02-01 00:00:00'");

    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).query())
        .containsEntry("limit", "1")
        .containsEntry("type", "image")
        .containsEntry("dateFrom", "2026-02-01");
  }

  @Test
  void limitFiveIsOneRequest() {
    List<RecordedRequest> requests = requestsOf("SELECT * FROM pushed LIMIT 5");

    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).query()).containsEntry("limit", "5").containsEntry("offset", "0");
  }

  @Test
  void topNCostsCeilingOfNOverPageSizeRequests() {
    List<RecordedRequest> requests =
        requestsOf("SELECT name, createdAt FROM pushed ORDER BY createdAt DESC LIMIT 250");

    assertThat(requests).hasSize(3);
    assertThat(requests)
        .allSatisfy(
            r ->
                assertThat(r.query())
                    .containsEntry("sortBy", "createdAt")
                    .containsEntry("sortDirection", "desc"));
  }

  @Test
  void idLookupsAreOneRequestPerIdWithoutPlanning() {
    List<MediaItem> media = collection.media();
    String a = media.get(3).id();
    String b = media.get(5).id();

    List<RecordedRequest> one = requestsOf("SELECT name FROM pushed WHERE id = '" + a + "'");
    List<RecordedRequest> two =
        requestsOf("SELECT name FROM pushed WHERE id IN ('" + a + "', '" + b + "')");

    assertThat(one)
        .singleElement()
        .satisfies(r -> assertThat(r.query()).containsEntry("mediaId", a));
    assertThat(two)
        .hasSize(2)
        .extracting(r -> r.query().get("mediaId"))
        .containsExactlyInAnyOrder(a, b);
  }

  @Test
  void typeFilterIsSentOnEveryDataRequest() {
    List<RecordedRequest> requests = requestsOf("SELECT id, name FROM pushed WHERE type = 'video'");

    assertThat(requests)
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.query()).containsEntry("type", "video"));
  }

  @Test
  void explainShowsTheRequestAndWhatStayedInSpark() {
    Dataset<Row> exact =
        spark.sql(
            "SELECT id FROM pushed WHERE type = 'image' AND createdAt < TIMESTAMP '2026-03-01 00:00:00'");
    Dataset<Row> partial =
        spark.sql(
            "SELECT id FROM pushed WHERE createdAt >= TIMESTAMP '2026-03-01 12:00:00' AND width > 10");

    String exactPlan = exact.queryExecution().explainString(ExplainMode.fromString("simple"));
    String partialPlan = partial.queryExecution().explainString(ExplainMode.fromString("simple"));

    assertThat(exactPlan)
        .contains("type=image")
        .contains("dateTo=2026-02-28")
        .doesNotContain("Filter (");
    assertThat(partialPlan)
        .contains("dateFrom=2026-03-01")
        .contains("Filter (")
        .contains("kept in Spark")
        .doesNotContain(KEY);
  }

  @Test
  void unreadColumnsAreNotParsed() {
    Dataset<Row> names = spark.sql("SELECT name FROM pushed WHERE type = 'video'");

    assertThat(names.queryExecution().executedPlan().toString()).contains("[name#");
    assertThat(names.queryExecution().optimizedPlan().toString()).doesNotContain("frames#");
  }

  @Test
  void scoredSearchAgreesWithTheServersRankingPushedAndPlain() {
    MediaSearch.Result oracle =
        MediaSearch.search(
            collection,
            MediaQuery.parse(
                Map.of("q", "red dog", "limit", "100000"), collection.id(), Integer.MAX_VALUE));
    Function<Map<String, String>, List<String>> top =
        options ->
            coreviz(options)
                .orderBy(org.apache.spark.sql.functions.col("_score").desc())
                .limit(30)
                .select("_score")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .toList();
    List<String> expected =
        oracle.page().stream().limit(30).map(h -> "[" + h.score() + "]").toList();

    server.clearRequests();
    List<String> pushed = top.apply(Map.of("q", "red dog", "pageSize", "10"));
    int pushedRequests = server.mediaRequests().size();

    assertThat(pushed).isEqualTo(expected);
    assertThat(top.apply(Map.of("q", "red dog", "pushDown", "false"))).isEqualTo(expected);
    assertThat(pushedRequests).as("ORDER BY _score DESC LIMIT 30 at 10 a page").isEqualTo(3);
  }

  @Test
  void corpusHasAtLeastFortyQueries() {
    assertThat(queries().count()).isGreaterThanOrEqualTo(40);
  }
}
