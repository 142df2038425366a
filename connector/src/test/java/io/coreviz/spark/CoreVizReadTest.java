package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.errors.AuthenticationException;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** End to end: spark.read.format("coreviz") against the emulator, compared with its stored data. */
class CoreVizReadTest {

  private static final String KEY = "test-key-9f2c41d7";

  @SharedSpark private static SparkSession spark;
  private static final MediaCollection large =
      SyntheticCollection.generate(TestSeeds.seed(7), 3_200);
  private static final MediaCollection empty = SyntheticCollection.generate(TestSeeds.seed(8), 0);
  private static final MediaCollection single = SyntheticCollection.generate(TestSeeds.seed(9), 1);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(
          () ->
              CoreVizEmulator.builder()
                  .collection(large)
                  .collection(empty)
                  .collection(single)
                  .credential(KEY));

  private static DataFrameReader coreviz(MediaCollection collection) {
    return TestReads.coreviz(spark, server, KEY, collection);
  }

  @Test
  void largeCollectionReturnsExactlyTheServersItemsInSeveralPartitions() {
    Dataset<Row> table = coreviz(large).load();

    Map<String, Map<String, Object>> actual = ExpectedRows.actual(table);

    assertThat(actual).hasSize(large.items().size());
    assertThat(actual).isEqualTo(ExpectedRows.expected(server.get(), large, large.items()));
    assertThat(table.rdd().getNumPartitions()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void offsetPlanningCostsACheckedCountAndEveryDataRequestCarriesTheExplicitSort() {
    long rows =
        coreviz(large)
            .option("pageSize", "250")
            .option("partitionBy", "offset")
            .load()
            .select("id")
            .collectAsList()
            .size();

    List<RecordedRequest> requests = server.mediaRequests();
    assertThat(rows).isEqualTo(large.items().size());
    // The count, then its check: the item at total - 1 exists and nothing follows.
    assertThat(requests.get(0).query()).containsEntry("limit", "1").containsEntry("offset", "0");
    assertThat(requests.get(1).query())
        .containsEntry("limit", "2")
        .containsEntry("offset", String.valueOf(large.items().size() - 1));
    List<RecordedRequest> pages = requests.subList(2, requests.size());
    assertThat(pages)
        .allSatisfy(
            request ->
                assertThat(request.query())
                    .containsEntry("sortBy", "createdAt")
                    .containsEntry("sortDirection", "asc")
                    .containsEntry("recursive", "true"));
    // Two partitions of 1,607 rows, each cut into 7 ranges of about 230 (one per page, up to one
    // per concurrent request): a probe of each range's first item, one request per range (its
    // items and the next range's first, to check it), and one from the counted end on, which
    // finds nothing.
    assertThat(pages.stream().filter(r -> r.query().get("limit").equals("1"))).hasSize(14);
    assertThat(pages).hasSize(14 + 14 + 1);
    assertThat(requests)
        .allSatisfy(
            request -> {
              assertThat(request.authScheme()).isEqualTo("x-api-key");
              assertThat(request.userAgent()).startsWith("coreviz-spark/");
            });
  }

  @Test
  void serverThatCapsTheLimitBelowThePageSizeStillGivesEveryRow() {
    try (CoreVizEmulator capped =
        CoreVizEmulator.builder().collection(large).credential(KEY).maxLimit(37).start()) {
      Dataset<Row> table =
          TestReads.coreviz(spark, capped, KEY, large).option("pageSize", "100").load();

      assertThat(ExpectedRows.actual(table))
          .isEqualTo(ExpectedRows.expected(capped, large, large.items()));
      assertThat(capped.mediaRequests())
          .as("the cap was exercised")
          .anySatisfy(r -> assertThat(Integer.parseInt(r.query().get("limit"))).isGreaterThan(37));
    }
  }

  @Test
  void emptyCollectionIsAnEmptyTable() {
    Dataset<Row> table = coreviz(empty).load();

    assertThat(table.collectAsList()).isEmpty();
    assertThat(table.schema()).isEqualTo(io.coreviz.spark.convert.MediaSchema.SCHEMA);
    // Planning asks for the oldest and the newest item at once; both come back empty.
    assertThat(server.mediaRequests())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.query()).containsEntry("limit", "1"));
  }

  @Test
  void singleItemCollection() {
    assertThat(ExpectedRows.actual(coreviz(single).load()))
        .isEqualTo(ExpectedRows.expected(server.get(), single, single.items()));
  }

  @Test
  void oneLevelUnderAFolderIsWhatTheApiListsThere() {
    MediaItem folder = large.items().stream().filter(MediaItem::isFolder).findFirst().orElseThrow();
    List<MediaItem> children =
        large.items().stream().filter(item -> item.parentPath().equals(folder.path())).toList();

    Dataset<Row> table =
        coreviz(large).option("path", folder.path()).option("recursive", "false").load();

    assertThat(children).isNotEmpty();
    assertThat(ExpectedRows.actual(table))
        .isEqualTo(ExpectedRows.expected(server.get(), large, children));
  }

  @Test
  void typeOptionIsSentAndOnlyThatTypeComesBack() {
    List<MediaItem> videos = large.items().stream().filter(i -> i.type().equals("video")).toList();

    Dataset<Row> table = coreviz(large).option("type", "video").load();

    assertThat(ExpectedRows.actual(table))
        .isEqualTo(ExpectedRows.expected(server.get(), large, videos));
    assertThat(server.mediaRequests())
        .allSatisfy(r -> assertThat(r.query()).containsEntry("type", "video"));
  }

  @Test
  void scoredSearchFillsScoreForEveryMatchOnce() {
    MediaSearch.Result oracle =
        MediaSearch.search(
            large,
            MediaQuery.parse(
                Map.of("q", "red shoe", "limit", "100000"), large.id(), Integer.MAX_VALUE));
    Map<String, Double> expected = new java.util.HashMap<>();
    oracle.page().forEach(hit -> expected.put(hit.item().id(), hit.score()));

    Dataset<Row> table = coreviz(large).option("q", "red shoe").option("pageSize", "50").load();
    Map<String, Double> read = new java.util.HashMap<>();
    for (Row row : table.select("id", "_score").collectAsList()) {
      assertThat(read.put(row.getString(0), row.getDouble(1))).as(row.getString(0)).isNull();
    }

    assertThat(oracle.total()).isGreaterThan(50);
    assertThat(read).isEqualTo(expected);
  }

  @Test
  void orderByScoreGivesTheApisRelevanceOrder() {
    MediaSearch.Result oracle =
        MediaSearch.search(
            large,
            MediaQuery.parse(
                Map.of("q", "red shoe", "limit", "100000"), large.id(), Integer.MAX_VALUE));

    List<Row> rows =
        coreviz(large)
            .option("q", "red shoe")
            .option("pageSize", "50")
            .load()
            .orderBy(org.apache.spark.sql.functions.col("_score").desc())
            .select("_score")
            .collectAsList();

    assertThat(rows).hasSize(oracle.total());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getDouble(0)).as("row %d", i).isEqualTo(oracle.page().get(i).score());
    }
  }

  @Test
  void browseRowsHaveNoScore() {
    assertThat(coreviz(single).load().filter("_score IS NOT NULL").count()).isZero();
  }

  @Test
  void wrongApiKeyFailsWithAClearErrorThatDoesNotShowTheKey() {
    String wrong = "wrong-key-77d1e0";
    Dataset<Row> table =
        spark
            .read()
            .format("coreviz")
            .option("endpoint", server.baseUrl())
            .option("apiKey", wrong)
            .option("collectionId", large.id())
            .load();

    // A full read fails while planning, on the driver, with the connector's own exception.
    assertThatThrownBy(table::collectAsList)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("/api/dataset/" + large.id() + "/media")
        .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(wrong));
    // A pushed count makes its one request in a task: Spark wraps the same exception.
    assertThatThrownBy(table::count)
        .hasRootCauseInstanceOf(AuthenticationException.class)
        .hasMessageContaining("HTTP 401")
        .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(wrong));
  }

  @Test
  void explainNeverShowsTheApiKey() {
    Dataset<Row> table = coreviz(large).option("type", "image").load().filter("width > 300");

    for (String mode : new String[] {"simple", "extended", "codegen", "cost", "formatted"}) {
      String plan =
          table
              .queryExecution()
              .explainString(org.apache.spark.sql.execution.ExplainMode.fromString(mode));
      assertThat(plan).as(mode).doesNotContain(KEY).contains("type=image");
    }
  }

  @Test
  void aKeyInASparkSettingThatSparkWouldShowIsRefused() {
    String key = "sk-unredacted-51c2";
    spark.conf().set("spark.coreviz.apiKey", key);
    spark
        .conf()
        .set("spark.sql.catalog.leaky", io.coreviz.spark.catalog.CoreVizCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.leaky.apiKey", key);
    try {
      // This session keeps Spark's default spark.redaction.regex, which does not match apiKey.
      assertThatThrownBy(
              () ->
                  spark
                      .read()
                      .format("coreviz")
                      .option("endpoint", server.baseUrl())
                      .option("collectionId", large.id())
                      .load())
          .isInstanceOf(io.coreviz.spark.errors.ConfigurationException.class)
          .hasMessageContaining("'spark.coreviz.apiKey'")
          .hasMessageContaining("spark.redaction.regex")
          .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(key));
      assertThatThrownBy(() -> spark.sql("SELECT count(*) FROM leaky.`" + large.id() + "`"))
          .hasStackTraceContaining("'spark.sql.catalog.leaky.apiKey'")
          .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(key));
      // A token's name matches Spark's default regex, but a session setting is never redacted.
      spark.conf().unset("spark.coreviz.apiKey");
      spark
          .conf()
          .set(
              "spark.sql.catalog.leakytoken",
              io.coreviz.spark.catalog.CoreVizCatalog.class.getName());
      spark.conf().set("spark.sql.catalog.leakytoken.bearerToken", key);
      assertThatThrownBy(() -> spark.sql("SELECT count(*) FROM leakytoken.`" + large.id() + "`"))
          .hasStackTraceContaining("'spark.sql.catalog.leakytoken.bearerToken'")
          .hasStackTraceContaining("cluster's Spark config")
          .satisfies(e -> assertThat(stackTraceText(e)).doesNotContain(key));
    } finally {
      spark.conf().unset("spark.coreviz.apiKey");
      spark.conf().unset("spark.sql.catalog.leaky.apiKey");
      spark.conf().unset("spark.sql.catalog.leakytoken.bearerToken");
    }
  }

  private static String stackTraceText(Throwable e) {
    java.io.StringWriter out = new java.io.StringWriter();
    e.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }
}
