package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scored reads sliced by date and read in parallel, exact however many items share a score: against
 * a server that returns at most 20 items a request, with its equal scores in a stable order or in a
 * new one on every request. Expectations are the server's own scorer's results on the stored items
 * (id and {@code _score}), never the connector's.
 *
 * <p>The collection: a 300-item synthetic one, plus tie groups of items whose names carry a word no
 * other item has (each scores 1.0 for it): {@code zzalpha}, 15 items over 15 days (under a page;
 * five also carry {@code zzecho}); {@code zzbravo}, 120 items over 60 days (over a page, narrowed
 * by days); {@code zzcharlie}, 60 images of one day in three child folders of one folder (narrowed
 * by folder); {@code zzfoxtrot}, 15 images and 15 videos of one day in one folder (narrowed by
 * type); {@code zzdelta}, 30 images of one day in one folder (cannot be narrowed).
 */
class ScoredReadTest {

  private static final String KEY = "sk-scored-4f2a";
  private static final int MOST_PER_REQUEST = 20;
  private static final Instant DAY = Instant.parse("2026-02-03T10:00:00Z");

  @SharedSpark private static SparkSession spark;

  private static final MediaCollection COLLECTION = collection();
  private static final String GOLF = "zzg1 zzg2 zzg3 zzg4 zzg5 zzg6 zzg7 zzg8 zzg9 zzg10";
  private static String charlieFolder;

  private static MediaCollection collection() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(53), 300);
    List<MediaItem> donors =
        new ArrayList<>(SyntheticCollection.generate(TestSeeds.seed(54), 600).media());
    String root = collection.id();
    int next = 0;
    for (int i = 0; i < 15; i++) {
      MediaItem donor = donors.get(next++);
      String name = i < 5 ? "zzalpha zzecho " + i : "zzalpha " + i;
      add(collection, donor, name, root + "." + donor.id(), DAY.plus(i, ChronoUnit.DAYS));
    }
    for (int i = 0; i < 120; i++) {
      MediaItem donor = donors.get(next++);
      Instant at = DAY.minus(30, ChronoUnit.DAYS).plus(i / 2, ChronoUnit.DAYS).plusSeconds(i);
      add(collection, donor, "zzbravo " + i, root + "." + donor.id(), at);
    }
    // Ten levels of score, ten items each, the best the oldest: zzg1 … zzg10 scores an item by
    // how many of those words its name holds.
    for (int i = 0; i < 100; i++) {
      MediaItem donor = donors.get(next++);
      int level = 10 - i / 10;
      StringBuilder name = new StringBuilder("golf");
      for (int w = 1; w <= level; w++) {
        name.append(" zzg").append(w);
      }
      Instant at = DAY.minus(60, ChronoUnit.DAYS).plus(i / 2, ChronoUnit.DAYS).plusSeconds(i);
      add(collection, donor, name.toString(), root + "." + donor.id(), at);
    }
    String charlie = folder(collection, root, "cc00000000000000000000000000000c", "charlie");
    charlieFolder = charlie;
    for (int f = 0; f < 3; f++) {
      String child =
          folder(collection, charlie, "cc00000000000000000000000000000" + f, "charlie " + f);
      for (int i = 0; i < 20; i++) {
        MediaItem donor = ofType(donors, next, MediaItem.IMAGE);
        next = donors.indexOf(donor) + 1;
        add(collection, donor, "zzcharlie " + f + i, child + "." + donor.id(), DAY.plusSeconds(i));
      }
    }
    String delta = folder(collection, root, "dd00000000000000000000000000000d", "delta");
    for (int i = 0; i < 30; i++) {
      MediaItem donor = ofType(donors, next, MediaItem.IMAGE);
      next = donors.indexOf(donor) + 1;
      add(collection, donor, "zzdelta " + i, delta + "." + donor.id(), DAY.plusSeconds(i));
    }
    String foxtrot = folder(collection, root, "ff00000000000000000000000000000f", "foxtrot");
    for (int i = 0; i < 30; i++) {
      MediaItem donor = ofType(donors, next, i < 15 ? MediaItem.IMAGE : MediaItem.VIDEO);
      next = donors.indexOf(donor) + 1;
      add(collection, donor, "zzfoxtrot " + i, foxtrot + "." + donor.id(), DAY.plusSeconds(i));
    }
    return collection;
  }

  /** The first item of {@code type} among {@code donors} from {@code from} on. */
  private static MediaItem ofType(List<MediaItem> donors, int from, String type) {
    return donors.subList(from, donors.size()).stream()
        .filter(d -> d.type().equals(type))
        .findFirst()
        .orElseThrow();
  }

  private static void add(
      MediaCollection collection, MediaItem donor, String name, String path, Instant at) {
    collection.add(
        new MediaItem(
            donor.id(),
            name,
            donor.type(),
            donor.blobKey(),
            path,
            at,
            at,
            donor.width(),
            donor.height(),
            donor.duration(),
            donor.sizeBytes(),
            donor.status(),
            Map.of(),
            donor.totalVersions(),
            donor.frameObjectId(),
            List.of()),
        Map.of());
  }

  private static String folder(MediaCollection collection, String parent, String id, String name) {
    collection.add(MediaItem.folder(id, name, parent, DAY.minus(90, ChronoUnit.DAYS)), Map.of());
    return parent + "." + id;
  }

  private static CoreVizEmulator server(boolean unstable) {
    CoreVizEmulator.Builder builder =
        CoreVizEmulator.builder().collection(COLLECTION).credential(KEY).maxLimit(MOST_PER_REQUEST);
    return (unstable ? builder.unstableScoreTies(TestSeeds.seed(11)) : builder).start();
  }

  private static Dataset<Row> read(CoreVizEmulator server, Map<String, String> options) {
    return TestReads.coreviz(spark, server, KEY, COLLECTION)
        .option("pageSize", String.valueOf(MOST_PER_REQUEST))
        .option("itemsPerPartition", "40")
        .options(options)
        .load();
  }

  /** Id to {@code _score} of what a read returned; fails on a repeated id. */
  private static Map<String, Double> scores(Dataset<Row> rows) {
    Map<String, Double> scores = new TreeMap<>();
    for (Row row : rows.select("id", "_score").collectAsList()) {
      assertThat(scores.put(row.getString(0), row.getDouble(1)))
          .as("repeated id %s", row.getString(0))
          .isNull();
    }
    return scores;
  }

  /** Id to {@code _score} of everything {@code params} match, by the server's own scorer. */
  private static Map<String, Double> expected(CoreVizEmulator server, Map<String, String> params) {
    Map<String, String> all = new HashMap<>(params);
    all.put("limit", "1000000");
    MediaSearch.Result result =
        MediaSearch.search(
            COLLECTION,
            MediaQuery.parse(all, COLLECTION.id(), Integer.MAX_VALUE),
            server.semantics(),
            0);
    Map<String, Double> scores = new TreeMap<>();
    result.page().forEach(hit -> scores.put(hit.item().id(), hit.score()));
    return scores;
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void tieGroupsUnderAPageAreReadExactly(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", "zzalpha");

      assertThat(scores(read(server, query))).isEqualTo(expected(server, query)).hasSize(15);
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void tieGroupsOverAPageAcrossDaysAreNarrowedByDaysAndReadInParallel(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", "zzbravo");
      Dataset<Row> rows = read(server, query);

      assertThat(scores(rows)).isEqualTo(expected(server, query)).hasSize(120);
      assertThat(rows.rdd().getNumPartitions()).as("partitions").isGreaterThan(1);
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void tieGroupsOverAPageOnOneDayAreNarrowedByType(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", "zzfoxtrot");

      assertThat(scores(read(server, query))).isEqualTo(expected(server, query)).hasSize(30);
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void tieGroupsOverAPageOnOneDayOfOneTypeAreNarrowedByFolder(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", "zzcharlie", "path", charlieFolder);

      assertThat(scores(read(server, query))).isEqualTo(expected(server, query)).hasSize(60);
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void tieGroupsOverAPageThatCannotBeNarrowedFailNamingWhy(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      assertThatThrownBy(() -> scores(read(server, Map.of("q", "zzdelta"))))
          .hasMessageContaining("more items share one _score than the server returns in one page")
          .hasMessageContaining("it lies on one day and in one type already")
          .hasMessageContaining("cannot be split into subfolders");
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void aSearchAcrossTheWholeCollectionIsExact(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", "red shoe");

      assertThat(scores(read(server, query))).isEqualTo(expected(server, query)).isNotEmpty();
    }
  }

  @Test
  void aServiceThatNormalisesScoresPerQueryIsReadUnslicedAndExplainSaysWhy() {
    // Ten levels of score, the best the oldest: a date window of later days has a lower best,
    // which such a service turns into 1.0.
    try (CoreVizEmulator server =
        CoreVizEmulator.builder()
            .collection(COLLECTION)
            .credential(KEY)
            .maxLimit(MOST_PER_REQUEST)
            .normalizedScores()
            .start()) {
      Map<String, String> query = Map.of("q", GOLF);
      Dataset<Row> rows = read(server, query);

      assertThat(scores(rows)).isEqualTo(expected(server, query)).hasSize(100);
      assertThat(rows.rdd().getNumPartitions()).isEqualTo(1);
      rows.collectAsList(); // what planning found is in explain() once the read has run
      assertThat(rows.queryExecution().explainString(ExplainMode.fromString("simple")))
          .contains("the service scores a query relative to what else it matches");
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void aSearchOfManyScoresIsReadInParallel(boolean unstable) {
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("q", GOLF);
      Dataset<Row> rows = read(server, query);

      assertThat(scores(rows)).isEqualTo(expected(server, query)).hasSize(100);
      assertThat(rows.rdd().getNumPartitions()).as("partitions").isGreaterThan(1);
    }
  }

  @ParameterizedTest(name = "unstable ties: {0}")
  @ValueSource(booleans = {false, true})
  void similarityIsPlannedTheSameWay(boolean unstable) {
    String object =
        COLLECTION.items().stream()
            .filter(i -> !i.frames().isEmpty() && !i.frames().get(0).objects().isEmpty())
            .findFirst()
            .orElseThrow()
            .frames()
            .get(0)
            .objects()
            .get(0)
            .id();
    try (CoreVizEmulator server = server(unstable)) {
      Map<String, String> query = Map.of("similarToObjectId", object);
      // Forty or so match: partitions of ten.
      Dataset<Row> rows =
          read(server, Map.of("similarToObjectId", object, "itemsPerPartition", "10"));

      assertThat(scores(rows)).isEqualTo(expected(server, query)).hasSizeGreaterThan(10);
      assertThat(rows.rdd().getNumPartitions()).as("partitions").isGreaterThan(1);
    }
  }
}
