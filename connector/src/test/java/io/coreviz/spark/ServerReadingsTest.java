package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The API page leaves room for more than one reading: in which zone days are counted, whether
 * {@code dateTo} is inclusive, whether {@code pagination.total} is exact (capped, or an estimate
 * above the truth whose {@code hasMore} follows it), what {@code mediaId} does with other filters,
 * whether a subtree includes its root, how strings collate, how ties are ordered, whether numbers
 * arrive as strings. Against a local server that reads it each of those ways, every plan, pushed
 * filter, count, limit, top-N, id lookup and scored read must return exactly what the server's data
 * holds. Expectations are computed from the stored items, never by the connector.
 */
class ServerReadingsTest {

  private static final String KEY = "sk-readings-5521";
  private static final MediaCollection COLLECTION =
      SyntheticCollection.generate(TestSeeds.seed(91), 600);

  @SharedSpark private static SparkSession spark;

  /** A reading of the API page a real service could have, as a local server setting. */
  enum Reading {
    DAYS_IN_UTC_MINUS_8(b -> b.dayZone(ZoneOffset.ofHours(-8))),
    DAYS_IN_UTC_PLUS_14(b -> b.dayZone(ZoneOffset.ofHours(14))),
    DAYS_IN_UTC_MINUS_12(b -> b.dayZone(ZoneOffset.ofHours(-12))),
    EXCLUSIVE_DATE_TO(CoreVizEmulator.Builder::exclusiveDateTo),
    EXCLUSIVE_DATE_TO_IN_UTC_PLUS_14(b -> b.exclusiveDateTo().dayZone(ZoneOffset.ofHours(14))),
    TOTAL_CAPPED_AT_150(b -> b.totalCap(150)),
    TOTAL_OVERSTATED_BY_40(b -> b.overstatedTotal(40)),
    MEDIA_ID_IGNORES_FILTERS(CoreVizEmulator.Builder::mediaIdIgnoresFilters),
    REFLEXIVE_SUBTREE(CoreVizEmulator.Builder::reflexiveSubtree),
    LOCALE_COLLATION(CoreVizEmulator.Builder::localeCollation),
    UNORDERED_SCORE_TIES(b -> b.unstableScoreTies(TestSeeds.seed(7))),
    NUMBERS_AS_STRINGS(CoreVizEmulator.Builder::numbersAsStrings);

    private final Function<CoreVizEmulator.Builder, CoreVizEmulator.Builder> setting;

    Reading(Function<CoreVizEmulator.Builder, CoreVizEmulator.Builder> setting) {
      this.setting = setting;
    }

    CoreVizEmulator start() {
      return setting
          .apply(CoreVizEmulator.builder().collection(COLLECTION).credential(KEY).maxLimit(300))
          .start();
    }
  }

  private static Dataset<Row> read(CoreVizEmulator server, Map<String, String> options) {
    return TestReads.coreviz(spark, server, KEY, COLLECTION)
        .option("pageSize", "60")
        .options(options)
        .load();
  }

  private static List<String> ids(Dataset<Row> rows) {
    return rows.select("id").collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static List<String> idsOf(Predicate<MediaItem> filter) {
    return COLLECTION.items().stream().filter(filter).map(MediaItem::id).toList();
  }

  private static List<String> sql(CoreVizEmulator server, String query) {
    read(server, Map.of()).createOrReplaceTempView("media");
    return spark.sql(query).collectAsList().stream().map(Row::toString).toList();
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void everyPlanReturnsEveryItemExactlyOnce(Reading reading) {
    try (CoreVizEmulator server = reading.start()) {
      for (String plan : List.of("date", "folder", "offset")) {
        List<String> ids =
            ids(read(server, Map.of("partitionBy", plan, "itemsPerPartition", "150")));

        assertThat(ids)
            .as("partitionBy=%s under %s", plan, reading)
            .containsExactlyInAnyOrderElementsOf(idsOf(item -> true));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void pushedDateFiltersAreExact(Reading reading) {
    Instant from = Instant.parse("2026-03-01T00:00:00Z");
    Instant to = Instant.parse("2026-03-15T12:00:00Z");
    Instant day = Instant.parse("2026-02-10T00:00:00Z");
    try (CoreVizEmulator server = reading.start()) {
      read(server, Map.of()).createOrReplaceTempView("media");

      assertThat(
              ids(
                  spark.sql(
                      "SELECT id FROM media WHERE createdAt >= TIMESTAMP '2026-03-01 00:00:00'"
                          + " AND createdAt < TIMESTAMP '2026-03-15 12:00:00'")))
          .as("a half-open range under %s", reading)
          .containsExactlyInAnyOrderElementsOf(
              idsOf(i -> !i.createdAt().isBefore(from) && i.createdAt().isBefore(to)));
      assertThat(ids(spark.sql("SELECT id FROM media WHERE createdAt < TIMESTAMP '2026-02-10'")))
          .as("everything before a midnight under %s", reading)
          .containsExactlyInAnyOrderElementsOf(idsOf(i -> i.createdAt().isBefore(day)));
      assertThat(ids(spark.sql("SELECT id FROM media WHERE createdAt > TIMESTAMP '2026-02-10'")))
          .as("everything after a midnight under %s", reading)
          .containsExactlyInAnyOrderElementsOf(idsOf(i -> i.createdAt().isAfter(day)));
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void countsAreExact(Reading reading) {
    MediaItem folder = largestFolder();
    try (CoreVizEmulator server = reading.start()) {
      assertThat(sql(server, "SELECT count(*) FROM media"))
          .as("count(*) under %s", reading)
          .containsExactly("[" + COLLECTION.items().size() + "]");
      assertThat(sql(server, "SELECT count(*) FROM media WHERE type = 'image'"))
          .as("count of images under %s", reading)
          .containsExactly("[" + idsOf(i -> i.type().equals("image")).size() + "]");
      assertThat(
              sql(
                  server,
                  "SELECT count(*) FROM media WHERE startswith(path, '" + folder.path() + ".')"))
          .as("count under a folder under %s", reading)
          .containsExactly("[" + idsOf(i -> i.path().startsWith(folder.path() + ".")).size() + "]");
      assertThat(
              sql(
                  server,
                  "SELECT count(*) FROM media WHERE createdAt >= TIMESTAMP '2026-02-01 00:00:00'"))
          .as("count of a date range under %s", reading)
          .containsExactly(
              "["
                  + idsOf(i -> !i.createdAt().isBefore(Instant.parse("2026-02-01T00:00:00Z")))
                      .size()
                  + "]");
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void limitsAndTopNAreExact(Reading reading) {
    List<Instant> oldest =
        COLLECTION.items().stream().map(MediaItem::createdAt).sorted().limit(130).toList();
    List<Instant> newest =
        COLLECTION.items().stream()
            .map(MediaItem::createdAt)
            .sorted(Comparator.reverseOrder())
            .limit(130)
            .toList();
    List<String> names =
        COLLECTION.items().stream()
            .map(MediaItem::name)
            .sorted(ServerReadingsTest::codePoints)
            .limit(12)
            .toList();
    try (CoreVizEmulator server = reading.start()) {
      read(server, Map.of()).createOrReplaceTempView("media");

      assertThat(instants("SELECT createdAt FROM media ORDER BY createdAt LIMIT 130"))
          .as("top 130 oldest under %s", reading)
          .containsExactlyElementsOf(oldest);
      assertThat(instants("SELECT createdAt FROM media ORDER BY createdAt DESC LIMIT 130"))
          .as("top 130 newest under %s", reading)
          .containsExactlyElementsOf(newest);
      assertThat(spark.sql("SELECT name FROM media ORDER BY name LIMIT 12").collectAsList())
          .as("first names in Spark's order under %s", reading)
          .map(r -> r.getString(0))
          .containsExactlyElementsOf(names);
      List<String> limited = ids(spark.sql("SELECT id FROM media LIMIT 110"));
      assertThat(limited).as("LIMIT 110 under %s", reading).hasSize(110).doesNotHaveDuplicates();
      assertThat(idsOf(item -> true)).containsAll(limited);
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void idLookupsKeepEveryOtherFilter(Reading reading) {
    MediaItem video =
        COLLECTION.media().stream().filter(m -> m.type().equals("video")).findFirst().orElseThrow();
    MediaItem image =
        COLLECTION.media().stream().filter(m -> m.type().equals("image")).findFirst().orElseThrow();
    try (CoreVizEmulator server = reading.start()) {
      read(server, Map.of()).createOrReplaceTempView("media");

      assertThat(
              ids(
                  spark.sql(
                      "SELECT id FROM media WHERE id = '" + video.id() + "' AND type = 'image'")))
          .as("a video asked for as an image under %s", reading)
          .isEmpty();
      assertThat(
              ids(
                  spark.sql(
                      "SELECT id FROM media WHERE id = '"
                          + image.id()
                          + "' AND createdAt < TIMESTAMP '2000-01-01 00:00:00'")))
          .as("an item outside a date range under %s", reading)
          .isEmpty();
      assertThat(
              ids(
                  spark.sql(
                      "SELECT id FROM media WHERE id IN ('"
                          + video.id()
                          + "', '"
                          + image.id()
                          + "')")))
          .as("two ids under %s", reading)
          .containsExactlyInAnyOrder(video.id(), image.id());
      assertThat(ids(read(server, Map.of("type", "image")).where("id = '" + video.id() + "'")))
          .as("a video looked up in an image-only read under %s", reading)
          .isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void subtreesNeverIncludeTheirOwnFolder(Reading reading) {
    MediaItem folder = largestFolder();
    List<String> under = idsOf(i -> i.path().startsWith(folder.path() + "."));
    try (CoreVizEmulator server = reading.start()) {
      assertThat(ids(read(server, Map.of("path", folder.path()))))
          .as("the path option under %s", reading)
          .containsExactlyInAnyOrderElementsOf(under);
      assertThat(ids(read(server, Map.of()).where("startswith(path, '" + folder.path() + ".')")))
          .as("a pushed path prefix under %s", reading)
          .containsExactlyInAnyOrderElementsOf(under);
      assertThat(ids(read(server, Map.of("partitionBy", "folder"))))
          .as("a default-size folder scan under %s", reading)
          .containsExactlyInAnyOrderElementsOf(idsOf(item -> true));
    }
  }

  @ParameterizedTest
  @EnumSource(Reading.class)
  void scoredReadsReturnEveryMatchOnce(Reading reading) {
    MediaSearch.Result oracle =
        MediaSearch.search(
            COLLECTION,
            MediaQuery.parse(
                Map.of("q", "red shoe cat", "limit", "100000"),
                COLLECTION.id(),
                Integer.MAX_VALUE));
    List<String> matches = oracle.page().stream().map(hit -> hit.item().id()).toList();
    List<Double> topScores = oracle.page().stream().limit(70).map(h -> h.score()).toList();
    try (CoreVizEmulator server = reading.start()) {
      Dataset<Row> scored = read(server, Map.of("q", "red shoe cat"));

      assertThat(matches).as("the query must span pages to test").hasSizeGreaterThan(150);
      assertThat(ids(scored))
          .as("every match of a scored read under %s", reading)
          .containsExactlyInAnyOrderElementsOf(matches);
      assertThat(
              scored
                  .orderBy(org.apache.spark.sql.functions.col("_score").desc())
                  .limit(70)
                  .collectAsList())
          .as("top 70 by score under %s", reading)
          .map(r -> r.getDouble(r.fieldIndex("_score")))
          .containsExactlyElementsOf(topScores);
    }
  }

  private static List<Instant> instants(String query) {
    return spark.sql(query).collectAsList().stream().map(r -> r.<Instant>getAs(0)).toList();
  }

  private static MediaItem largestFolder() {
    return COLLECTION.items().stream()
        .filter(MediaItem::isFolder)
        .max(Comparator.comparingInt(f -> ModelTable.mediaUnder(COLLECTION, f).size()))
        .orElseThrow();
  }

  /** Spark's string order: by code point (UTF-8 bytes), not Java's UTF-16 units. */
  private static int codePoints(String a, String b) {
    return java.util.Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray());
  }
}
