package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.model.MediaItem;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.Test;

/** The corpus on the emulator's own reading of the API page, and what each pushdown costs. */
class PushdownDifferentialTest extends DifferentialCorpus {

  @Override
  CoreVizEmulator.Builder readingOfTheApiPage() {
    return CoreVizEmulator.builder();
  }

  private List<RecordedRequest> requestsOf(String sql) {
    server.clearRequests();
    spark.sql(sql).collectAsList();
    return pushedRequests();
  }

  @Test
  void countWithExactlyPushedFiltersIsACheckedTotal() {
    List<RecordedRequest> requests = requestsOf("SELECT count(*) FROM pushed WHERE type = 'image'");

    // pagination.total, then its check (the item at total - 1 exists, nothing follows it)
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).query()).containsEntry("limit", "1").containsEntry("type", "image");
    assertThat(requests.get(1).query()).containsEntry("limit", "2").containsEntry("type", "image");
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
    Dataset<Row> exact = spark.sql("SELECT id FROM pushed WHERE type = 'image'");
    Dataset<Row> before =
        spark.sql(
            "SELECT id FROM pushed WHERE type = 'image' AND createdAt < TIMESTAMP '2026-03-01 00:00:00'");
    Dataset<Row> partial =
        spark.sql(
            "SELECT id FROM pushed WHERE createdAt >= TIMESTAMP '2026-03-01 12:00:00' AND width > 10");

    String exactPlan = exact.queryExecution().explainString(ExplainMode.fromString("simple"));
    String beforePlan = before.queryExecution().explainString(ExplainMode.fromString("simple"));
    String partialPlan = partial.queryExecution().explainString(ExplainMode.fromString("simple"));

    assertThat(exactPlan).contains("type=image").doesNotContain("Filter (");
    // Day filters are supersets (a day earlier, two days later); Spark checks the instant.
    assertThat(beforePlan)
        .contains("type=image")
        .contains("dateTo=2026-03-02")
        .contains("Filter (isnotnull(createdAt")
        .contains("kept in Spark: createdAt IS NOT NULL, createdAt <");
    assertThat(partialPlan)
        .contains("dateFrom=2026-02-28")
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
    int pushedRequests = pushedRequests().size();

    assertThat(pushed).isEqualTo(expected);
    assertThat(top.apply(Map.of("q", "red dog", "pushDown", "false"))).isEqualTo(expected);
    assertThat(pushedRequests).as("ORDER BY _score DESC LIMIT 30 at 10 a page").isEqualTo(3);
  }
}
