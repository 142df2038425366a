package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.catalog.CoreVizCatalog;
import io.coreviz.spark.functions.CoreVizColumns;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The coreviz catalog: tables, DESCRIBE, and function predicates pushed as tagFilters. */
class CatalogTest {

  private static final String KEY = "sk-catalog-0d91";
  private static final MediaCollection collection = SyntheticCollection.generate(23, 700);
  private static final String table = "coreviz.`" + collection.id() + "`";

  @SharedSpark(
      settings = {
        "spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions",
        "spark.redaction.regex=" + SparkTestSession.REDACTION,
        "spark.sql.catalog.coreviz.apiKey=" + KEY
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
    TestReads.coreviz(spark, server, KEY, collection)
        .option("pushDown", "false")
        .load()
        .createOrReplaceTempView("plain");
  }

  private static List<String> rows(String sql) {
    return spark.sql(sql).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  void showTablesListsTheConfiguredCollections() {
    assertThat(rows("SHOW TABLES IN coreviz"))
        .hasSize(1)
        .first()
        .asString()
        .contains(collection.id());
  }

  @Test
  void describeShowsTheSchemaWithComments() {
    List<Row> described = spark.sql("DESCRIBE TABLE " + table).collectAsList();

    assertThat(described)
        .anySatisfy(
            row -> {
              assertThat(row.getString(0)).isEqualTo("createdAt");
              assertThat(row.getString(1)).isEqualTo("timestamp");
              assertThat(row.getString(2)).contains("UTC");
            });
    assertThat(described.stream().map(r -> r.getString(0)).toList())
        .contains("frames", "metadata", "_score");
  }

  @Test
  void countWithATagFunctionIsACheckedCountWithTagFilters() {
    long count =
        spark
            .sql(
                "SELECT count(*) FROM "
                    + table
                    + " WHERE coreviz.has_tag(metadata.tags, 'season', 'summer')")
            .first()
            .getLong(0);

    long expected =
        collection.items().stream()
            .filter(i -> i.tags().getOrDefault("season", List.of()).contains("summer"))
            .count();
    assertThat(count).isEqualTo(expected);
    // pagination.total, then its check: the item at total - 1 exists and nothing follows
    assertThat(server.mediaRequests())
        .hasSize(2)
        .allSatisfy(
            request ->
                assertThat(request.query())
                    .containsEntry("tagFilters", "{\"season\":[\"summer\"]}"))
        .extracting(request -> request.query().get("offset") + "+" + request.query().get("limit"))
        .containsExactly("0+1", (expected - 1) + "+2");
  }

  static Stream<Arguments> functionPredicates() {
    MediaItem folder =
        collection.items().stream()
            .filter(MediaItem::isFolder)
            .max(Comparator.comparingInt(f -> ModelTable.mediaUnder(collection, f).size()))
            .orElseThrow();
    Instant february = Instant.parse("2026-02-01T00:00:00Z");
    return Stream.of(
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'color', 'red')",
            "{\"color\":[\"red\"]}",
            items(i -> tag(i, "color", "red"))),
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'color', 'red') OR coreviz.has_tag(metadata.tags, 'color', 'blue')",
            "{\"color\":[\"red\",\"blue\"]}",
            items(i -> tag(i, "color", "red") || tag(i, "color", "blue"))),
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'color', 'red') AND coreviz.has_tag(metadata.tags, 'season', 'winter')",
            "{\"color\":[\"red\"],\"season\":[\"winter\"]}",
            items(i -> tag(i, "color", "red") && tag(i, "season", "winter"))),
        Arguments.of(
            "coreviz.has_any_tag(metadata.tags, 'camera', array('dslr', 'drone'))",
            "{\"camera\":[\"dslr\",\"drone\"]}",
            items(i -> tag(i, "camera", "dslr") || tag(i, "camera", "drone"))),
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'color', 'red') AND coreviz.has_tag(metadata.tags, 'color', 'blue')",
            "{\"color\":[\"red\"]}",
            items(i -> tag(i, "color", "red") && tag(i, "color", "blue"))),
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'color', 'red') OR coreviz.has_tag(metadata.tags, 'season', 'winter')",
            null,
            items(i -> tag(i, "color", "red") || tag(i, "season", "winter"))),
        Arguments.of(
            "NOT coreviz.has_tag(metadata.tags, 'color', 'red')",
            null,
            items(i -> !tag(i, "color", "red"))),
        Arguments.of(
            "coreviz.has_tag(metadata.tags, 'category', 'food') AND type = 'image'"
                + " AND createdAt >= TIMESTAMP '2026-02-01 00:00:00'",
            "{\"category\":[\"food\"]}",
            items(
                i ->
                    tag(i, "category", "food")
                        && i.type().equals("image")
                        && !i.createdAt().isBefore(february))),
        Arguments.of(
            "coreviz.in_folder(path, '" + folder.path() + "')",
            null,
            items(i -> i.path().startsWith(folder.path() + "."))));
  }

  private static boolean tag(MediaItem item, String group, String value) {
    return item.tags().getOrDefault(group, List.of()).contains(value);
  }

  /** The ids of the stored items that match: computed here, not by the connector's functions. */
  private static List<String> items(java.util.function.Predicate<MediaItem> filter) {
    return collection.items().stream().filter(filter).map(MediaItem::id).sorted().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("functionPredicates")
  void functionPredicatesGiveTheSameRowsPushedAndNotPushed(
      String predicate, String tagFilters, List<String> expectedIds) {
    String select = "SELECT id, name FROM %s WHERE " + predicate;

    List<String> pushed = rows(String.format(select, table));
    List<RecordedRequest> requests = server.mediaRequests();

    assertThat(expectedIds).as("the case must select something").isNotEmpty();
    assertThat(
            spark
                .sql(String.format("SELECT id FROM %s WHERE " + predicate, table))
                .collectAsList()
                .stream()
                .map(r -> r.getString(0))
                .sorted()
                .toList())
        .as("pushed, against the items' own tags and paths")
        .isEqualTo(expectedIds);
    assertThat(pushed).isEqualTo(rows(String.format(select, "plain")));
    if (predicate.startsWith("coreviz.in_folder")) {
      String folder = predicate.substring(predicate.indexOf('\'') + 1, predicate.lastIndexOf('\''));
      assertThat(requests).allSatisfy(r -> assertThat(r.query()).containsEntry("path", folder));
    }
    assertThat(requests)
        .isNotEmpty()
        .allSatisfy(
            request -> {
              if (tagFilters == null) {
                assertThat(request.query()).doesNotContainKey("tagFilters");
              } else {
                assertThat(request.query()).containsEntry("tagFilters", tagFilters);
              }
            });
  }

  @Test
  void tagTypeAndDateFiltersMakeOneApiQueryWithTheExactDateInSpark() {
    Dataset<Row> query =
        spark.sql(
            "SELECT id FROM "
                + table
                + " WHERE coreviz.has_tag(metadata.tags, 'color', 'red') AND type = 'video'"
                + " AND createdAt < TIMESTAMP '2026-03-01 00:00:00'");

    String plan = query.queryExecution().explainString(ExplainMode.fromString("simple"));

    assertThat(plan)
        .contains("tagFilters=%7B%22color%22%3A%5B%22red%22%5D%7D")
        .contains("type=video")
        .contains("dateTo=2026-03-02") // widened: the API's days may be in any zone
        .contains("Filter (isnotnull(createdAt")
        .doesNotContain("has_tag")
        .doesNotContain("type#");
  }

  @Test
  void aFolderIsATable() {
    MediaItem folder =
        collection.items().stream().filter(MediaItem::isFolder).findFirst().orElseThrow();
    String folderTable = "coreviz.`" + collection.id() + "`.`" + folder.id() + "`";

    List<String> ids =
        spark.sql("SELECT id FROM " + folderTable).collectAsList().stream()
            .map(row -> row.getString(0))
            .toList();

    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(
            collection.items().stream()
                .filter(i -> i.path().startsWith(folder.path() + "."))
                .map(MediaItem::id)
                .toList());
  }

  @Test
  void theDataFrameHelpersPushDownToo() {
    Dataset<Row> red =
        spark
            .table(table)
            .filter(
                CoreVizColumns.hasTag("color", "red").or(CoreVizColumns.hasTag("color", "blue")))
            .filter(CoreVizColumns.hasAnyTag("season", "summer", "spring"));

    long count = red.count();

    assertThat(server.mediaRequests())
        .hasSize(2) // a count and its check
        .allSatisfy(
            request ->
                assertThat(request.query())
                    .containsEntry(
                        "tagFilters",
                        "{\"color\":[\"red\",\"blue\"],\"season\":[\"summer\",\"spring\"]}"));
    assertThat(count)
        .isEqualTo(
            collection.items().stream()
                .filter(
                    i ->
                        (i.tags().getOrDefault("color", List.of()).contains("red")
                                || i.tags().getOrDefault("color", List.of()).contains("blue"))
                            && (i.tags().getOrDefault("season", List.of()).contains("summer")
                                || i.tags().getOrDefault("season", List.of()).contains("spring")))
                .count());
  }

  @Test
  void aMissingTagGroupOrNoTagsIsFalseAndANullGroupOrValueGivesNull() {
    MediaItem item =
        collection.media().stream()
            .filter(i -> !i.tags().containsKey("season"))
            .findFirst()
            .orElseThrow();
    Row row =
        spark
            .sql(
                "SELECT coreviz.has_tag(metadata.tags, 'season', 'summer'),"
                    + " coreviz.has_tag(metadata.tags, 'season', NULL),"
                    + " coreviz.has_tag(metadata.tags, NULL, 'summer'),"
                    + " coreviz.has_any_tag(metadata.tags, 'season', array('summer')),"
                    + " coreviz.has_tag(CAST(NULL AS map<string, array<string>>), 'color', 'red')"
                    + " FROM "
                    + table
                    + " WHERE id = '"
                    + item.id()
                    + "'")
            .first();

    assertThat(row.getBoolean(0)).as("missing group").isFalse();
    assertThat(row.isNullAt(1)).as("null value").isTrue();
    assertThat(row.isNullAt(2)).as("null group").isTrue();
    assertThat(row.getBoolean(3)).as("missing group, any value").isFalse();
    assertThat(row.getBoolean(4)).as("no tags: as the API's tagFilters, no match").isFalse();
  }

  @Test
  void theCatalogIsReadOnly() {
    assertThatThrownBy(() -> spark.sql("DROP TABLE " + table)).hasMessageContaining("read-only");
  }
}
