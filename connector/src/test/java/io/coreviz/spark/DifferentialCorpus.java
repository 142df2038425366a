package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
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

  /**
   * The plain view's credential, sent as a bearer token: requests of a plain run that Spark cut
   * short (a LIMIT) may reach the server after the next pushed run began, and are told apart.
   */
  static final String PLAIN_TOKEN = "tok-differential-plain";

  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  @SharedSpark static SparkSession spark;
  final MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(77), 900);

  @RegisterExtension
  final LocalServer server =
      LocalServer.of(
          () ->
              readingOfTheApiPage().collection(collection).credential(KEY).credential(PLAIN_TOKEN));

  /** The local server the corpus runs against, with its reading of the API page. */
  abstract CoreVizEmulator.Builder readingOfTheApiPage();

  @BeforeAll
  void views() {
    coreviz(Map.of()).createOrReplaceTempView("pushed");
    spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("bearerToken", PLAIN_TOKEN)
        .option("collectionId", collection.id())
        .option("pageSize", "100")
        .option("pushDown", "false")
        .load()
        .createOrReplaceTempView("plain");
    ModelTable.of(spark, server.get(), collection).createOrReplaceTempView("model");
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

  /**
   * A query, how to compare it, and the filter parameters its pushed run must send: {@code ""} for
   * none beyond the defaults, {@code "none"} for no request at all, else {@code name=v1|v2&…}:
   * every request carries one of the values and together they carry them all. A {@code dateFrom} or
   * {@code dateTo} is a bound every request must stay within (planning adds day windows inside it).
   */
  private static Arguments q(String sends, String sql, Compare compare) {
    return Arguments.of(sql, compare, sends);
  }

  private static Arguments q(String sends, String sql) {
    return q(sends, sql, Compare.ROWS);
  }

  private static String parent(String path) {
    return path.substring(0, path.lastIndexOf('.'));
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
    LocalDate tiedDay = LocalDate.ofInstant(tied, ZoneOffset.UTC);
    String partial = folder.path().substring(0, folder.path().length() - 3);
    String partialParent = parent(partial);
    String partialSends = partialParent.equals(collection.id()) ? "" : "path=" + partialParent;
    return Stream.of(
        q("", "SELECT count(*) FROM {t}"),
        q("type=image", "SELECT count(*) FROM {t} WHERE type = 'image'"),
        q(
            "type=video&dateFrom=2026-01-31",
            "SELECT count(1) FROM {t} WHERE type = 'video' AND createdAt >= TIMESTAMP '2026-02-01 00:00:00'"),
        q("type=folder", "SELECT count(*) FROM {t} WHERE type = 'folder'"),
        q("type=image|folder", "SELECT count(*) FROM {t} WHERE type IN ('image', 'folder')"),
        q("", "SELECT count(*) FROM {t} WHERE status = 'failed'"),
        q("mediaId=" + some.id(), "SELECT count(*) FROM {t} WHERE id = '" + some.id() + "'"),
        q("type=image|folder", "SELECT id FROM {t} WHERE type IN ('image', 'folder')"),
        q("type=image|video", "SELECT id FROM {t} WHERE type = 'image' OR type = 'video'"),
        q("", "SELECT id FROM {t} WHERE NOT type = 'image'"),
        q("", "SELECT id FROM {t} WHERE type <> 'folder'"),
        q("", "SELECT id FROM {t} WHERE type = 'photo'"),
        q("none", "SELECT id FROM {t} WHERE type = 'image' AND type = 'video'"),
        q(
            "dateFrom=2026-01-31&dateTo=2026-03-02",
            "SELECT id, createdAt FROM {t} WHERE createdAt >= TIMESTAMP '2026-02-01 00:00:00'"
                + " AND createdAt < TIMESTAMP '2026-03-01 00:00:00'"),
        q(
            "dateFrom=2026-01-31&dateTo=2026-02-17",
            "SELECT id FROM {t} WHERE createdAt BETWEEN TIMESTAMP '2026-02-01 10:30:00'"
                + " AND TIMESTAMP '2026-02-15 08:00:00'"),
        q(
            "dateFrom=2026-01-30",
            "SELECT id FROM {t} WHERE createdAt > TIMESTAMP '2026-01-31 23:59:59.999999'"),
        q(
            "dateTo=2026-01-22",
            "SELECT id FROM {t} WHERE createdAt <= TIMESTAMP '2026-01-20 23:59:59.999999'"),
        q(
            "dateFrom=2026-02-09",
            "SELECT id FROM {t} WHERE createdAt > TIMESTAMP '2026-02-10 00:00:00'"),
        q(
            "type=image&dateTo=2026-02-12",
            "SELECT id FROM {t} WHERE createdAt < TIMESTAMP '2026-02-10 12:00:00' AND type = 'image'"),
        q(
            "dateFrom=" + tiedDay.minusDays(1) + "&dateTo=" + tiedDay.plusDays(2),
            "SELECT id FROM {t} WHERE createdAt = " + t),
        q(
            "type=image&dateFrom=" + tiedDay.minusDays(1),
            "SELECT id FROM {t} WHERE " + t + " <= createdAt AND type = 'image'"),
        q("", "SELECT id FROM {t} WHERE createdAt IS NULL"),
        q("mediaId=" + some.id(), "SELECT id FROM {t} WHERE id = '" + some.id() + "'"),
        q(
            "mediaId=" + some.id() + "|" + video.id() + "|missing",
            "SELECT id, name FROM {t} WHERE id IN ('"
                + some.id()
                + "', '"
                + video.id()
                + "', 'missing')"),
        q(
            "mediaId=" + video.id() + "&type=image",
            "SELECT id FROM {t} WHERE id = '" + video.id() + "' AND type = 'image'"),
        q(
            "path=" + folder.path(),
            "SELECT id FROM {t} WHERE startswith(path, '" + folder.path() + ".')"),
        q(
            "path=" + folder.path() + "&type=video",
            "SELECT id FROM {t} WHERE path LIKE '" + folder.path() + ".%' AND type = 'video'"),
        q(partialSends, "SELECT id FROM {t} WHERE startswith(path, '" + partial + "')"),
        q(
            "path=" + parent(nested.path()) + "&recursive=false",
            "SELECT id FROM {t} WHERE path = '" + nested.path() + "'"),
        q("", "SELECT id FROM {t} WHERE width > 500"),
        q("", "SELECT id FROM {t} WHERE width IS NULL OR sizeBytes = 0"),
        q("type=video", "SELECT id, duration FROM {t} WHERE duration > 60 AND type = 'video'"),
        q("", "SELECT id FROM {t} WHERE array_contains(metadata.tags['color'], 'red')"),
        q(
            "type=image",
            "SELECT id FROM {t} WHERE metadata.tags['season'] IS NULL AND type = 'image'"),
        q("type=video", "SELECT id FROM {t} WHERE size(frames) = 0 AND type = 'video'"),
        q(
            "",
            "SELECT id FROM {t} WHERE exists(frames, f -> exists(f.objects, o -> o.label = 'dog'))"),
        q("", "SELECT name FROM {t} WHERE name LIKE '%café%'"),
        q("", "SELECT type, count(*) FROM {t} GROUP BY type"),
        q(
            "type=image",
            "SELECT id FROM {t} WHERE type = 'image' AND (width > 400 OR height > 400)"),
        q(
            "",
            "SELECT obj.label, count(*) FROM {t} LATERAL VIEW explode(frames) AS fr"
                + " LATERAL VIEW explode(fr.objects) AS obj GROUP BY obj.label"),
        q("type=image", "SELECT max(createdAt), min(createdAt) FROM {t} WHERE type = 'image'"),
        q(
            "",
            "SELECT id FROM {t} WHERE get_json_object(metadata.json, '$.moderation.flagged') = 'true'"),
        q(
            "type=video&dateTo=2026-02-02",
            "SELECT id FROM {t} WHERE type = 'video' AND createdAt < TIMESTAMP '2026-02-01 00:00:00'"
                + " AND size(frames) > 2"),
        q("type=folder", "SELECT * FROM {t} WHERE type = 'folder'"),
        q(
            "dateFrom=2026-03-14",
            "SELECT * FROM {t} WHERE createdAt >= TIMESTAMP '2026-03-15 00:00:00'"),
        q("type=image", "SELECT id FROM {t} WHERE type = 'image' LIMIT 5", Compare.COUNT),
        q("", "SELECT * FROM {t} LIMIT 120", Compare.COUNT),
        q("", "SELECT name FROM {t} ORDER BY name LIMIT 7", Compare.ORDERED),
        q(
            "sortBy=createdAt&sortDirection=desc",
            "SELECT createdAt FROM {t} ORDER BY createdAt DESC LIMIT 250",
            Compare.ORDERED),
        q("", "SELECT type FROM {t} ORDER BY type LIMIT 3", Compare.ORDERED),
        q(
            "type=video",
            "SELECT name FROM {t} WHERE type = 'video' ORDER BY name DESC LIMIT 10",
            Compare.ORDERED),
        q(
            "type=image|video&sortBy=createdAt&sortDirection=asc",
            "SELECT createdAt FROM {t} WHERE type IN ('image', 'video') ORDER BY createdAt LIMIT 15",
            Compare.ORDERED),
        q(
            "",
            "SELECT width FROM {t} WHERE width IS NOT NULL ORDER BY width DESC LIMIT 5",
            Compare.ORDERED));
  }

  /** Parameters whose values sent must be exactly the expected ones (absent unless expected). */
  private static final List<String> EXACT = List.of("type", "mediaId", "path", "tagFilters");

  private static final String ABSENT = "(absent)";

  /** The media requests sent with the pushed view's key (the plain view uses a token). */
  List<RecordedRequest> pushedRequests() {
    return server.mediaRequests().stream().filter(r -> "x-api-key".equals(r.authScheme())).toList();
  }

  /** Checks the media requests of the pushed run against {@code sends}; see {@link #q}. */
  private void assertSent(String sql, String sends) {
    List<Map<String, String>> sent = pushedRequests().stream().map(RecordedRequest::query).toList();
    if (sends.equals("none")) {
      assertThat(sent).as("requests for " + sql).isEmpty();
      return;
    }
    assertThat(sent).as("requests for " + sql).isNotEmpty();
    Map<String, Set<String>> expected = new LinkedHashMap<>();
    for (String pair : sends.isEmpty() ? new String[0] : sends.split("&")) {
      String[] nameValues = pair.split("=", 2);
      expected.put(nameValues[0], new TreeSet<>(List.of(nameValues[1].split("\\|"))));
    }
    List<String> names = new ArrayList<>(EXACT);
    names.add("recursive");
    if (expected.containsKey("sortBy")) {
      names.addAll(List.of("sortBy", "sortDirection"));
    }
    for (String name : names) {
      Set<String> values = new TreeSet<>();
      sent.forEach(query -> values.add(query.getOrDefault(name, ABSENT)));
      Set<String> wanted =
          expected.getOrDefault(name, Set.of(name.equals("recursive") ? "true" : ABSENT));
      assertThat(values).as("'" + name + "' sent for " + sql).isEqualTo(wanted);
    }
    for (String bound : List.of("dateFrom", "dateTo")) {
      if (expected.containsKey(bound)) {
        LocalDate limit = LocalDate.parse(expected.get(bound).iterator().next());
        for (Map<String, String> query : sent) {
          assertThat(query).as("every request of " + sql).containsKey(bound);
          LocalDate day = LocalDate.parse(query.get(bound));
          assertThat(bound.equals("dateFrom") ? !day.isBefore(limit) : !day.isAfter(limit))
              .as(bound + "=" + day + " within " + limit + " for " + sql)
              .isTrue();
        }
        assertThat(sent)
            .as("some request of " + sql + " has " + bound + "=" + limit)
            .anyMatch(query -> query.get(bound).equals(limit.toString()));
      }
    }
  }

  private List<String> run(String sql, String table) {
    return spark.sql(sql.replace("{t}", table)).collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void pushedPlainAndModelAgree(String sql, Compare compare, String sends) {
    List<String> model = run(sql, "model");
    List<String> plain = run(sql, "plain");
    server.clearRequests();
    List<String> pushed = run(sql, "pushed");
    assertSent(sql, sends);

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
  void corpusIsAsLargeAsThePushdownPageSays() {
    java.util.regex.Matcher claim =
        java.util.regex.Pattern.compile("corpus of (\\d+) queries")
            .matcher(Docs.read("docs/pushdown-and-planning.md"));

    assertThat(claim.find()).as("docs/pushdown-and-planning.md states the corpus size").isTrue();
    assertThat(queries().count()).isEqualTo(Long.parseLong(claim.group(1)));
  }
}
