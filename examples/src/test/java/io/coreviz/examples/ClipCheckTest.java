package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.PlantedDefects;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality job's CLIP checks (tiny test model): text scores counted against the stored items,
 * and near copies by embedding added to the perceptual hash's.
 */
class ClipCheckTest {

  private static final String KEY = "clip-check-key";
  private static final String MODEL = "../connector/src/test/resources/clip/optimum";

  /** The tiny model puts some different pictures this close: CLIP adds pairs the hash has not. */
  private static final double MIN_COSINE = 0.9;

  private static SparkSession spark;
  private static MediaCollection collection;
  private static PlantedDefects planted;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(11, 160).measureSizes();
    planted = PlantedDefects.plant(collection, 5, 2);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("ClipCheckTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  @Test
  void everyDescribedItemIsScoredOrCountedWithItsReason(@TempDir Path out) throws Exception {
    server.clearRequests();
    QualityJob.Result result =
        QualityJob.run(
            spark,
            Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id()),
            out,
            new ClipCheck.Settings(MODEL, 20, MIN_COSINE));

    List<MediaItem> described =
        collection.media().stream()
            .filter(item -> item.description() != null || item.prompt() != null)
            .toList();
    long withoutImages =
        described.stream()
            .filter(item -> MediaItem.VIDEO.equals(item.type()) && item.frames().isEmpty())
            .count();
    // Images whose blob 404s have no score; truncated ones may (a decoder can fill in what is
    // missing). Videos are scored on their frames' images: the planted ones have none.
    Set<String> unavailable = planted.broken().get("blob_unavailable");
    Set<String> truncated = planted.broken().get("blob_undecodable");
    List<MediaItem> images =
        described.stream().filter(item -> MediaItem.IMAGE.equals(item.type())).toList();
    long missing = images.stream().filter(item -> unavailable.contains(item.id())).count();
    long cut = images.stream().filter(item -> truncated.contains(item.id())).count();
    ClipCheck.Summary clip = result.clip();
    assertThat(described).isNotEmpty();

    // Each image's bytes are fetched twice: by the blob checks, and by the one CLIP pass that
    // gives both its text score and its embedding (a pass each fetched them three times).
    Map<String, Long> fetches = new HashMap<>();
    server.requests().stream()
        .filter(request -> request.path().startsWith("/blobs/"))
        .forEach(request -> fetches.merge(request.path(), 1L, Long::sum));
    List<String> imageBlobs =
        collection.media().stream()
            .filter(item -> MediaItem.IMAGE.equals(item.type()))
            .map(item -> "/blobs/" + collection.id() + "/" + item.blobKey())
            .toList();
    assertThat(imageBlobs).hasSizeGreaterThan(described.size() / 2);
    for (String blob : imageBlobs) {
      assertThat(fetches.getOrDefault(blob, 0L)).as("fetches of %s", blob).isEqualTo(2L);
    }
    assertThat(clip.scored() + clip.failed()).isEqualTo(described.size());
    assertThat(clip.failed()).isBetween(withoutImages + missing, withoutImages + missing + cut);
    clip.reasons()
        .forEach(
            (reason, n) -> {
              if (reason.startsWith("no image")) {
                assertThat(n).as(reason).isEqualTo(withoutImages);
              }
            });
    List<Row> written = spark.read().parquet(clip.parquet().toString()).collectAsList();
    assertThat(written).hasSize(described.size());
    Map<String, String> textById = new HashMap<>();
    described.forEach(
        item ->
            textById.put(
                item.id(), item.description() != null ? item.description() : item.prompt()));
    long below = 0;
    for (Row row : written) {
      assertThat(row.getString(row.fieldIndex("text")))
          .as("text of %s", row.getString(0))
          .isEqualTo(textById.get(row.getString(0)));
      Object score = row.get(row.fieldIndex("clip_score"));
      if (score != null) {
        assertThat(((Number) score).doubleValue()).isBetween(-100.0, 100.0);
        below += ((Number) score).doubleValue() < 20 ? 1 : 0;
      }
    }
    assertThat(clip.lowMatch()).as("rows written with a score below 20").isEqualTo(below);

    // Near copies: the planted sets (found by the perceptual hash, QualityMediaChecksTest) and
    // every pair of embeddings at MIN_COSINE or more, other than pairs of the same bytes.
    Set<String> expected = new HashSet<>();
    planted.nearSets().forEach(expected::addAll);
    Set<Set<String>> sameBytes = GeneratedBlobs.sameBytes(collection);
    List<Row> embedded =
        QualityHistory.inFolder(spark, out.resolve("warehouse").toString(), collection.id())
            .embeddings()
            .collectAsList();
    int byClip = 0;
    for (int i = 0; i < embedded.size(); i++) {
      for (int j = i + 1; j < embedded.size(); j++) {
        String x = embedded.get(i).getString(0);
        String y = embedded.get(j).getString(0);
        boolean same = sameBytes.stream().anyMatch(set -> set.contains(x) && set.contains(y));
        if (!same && cosine(embedded.get(i).getList(2), embedded.get(j).getList(2)) >= MIN_COSINE) {
          byClip += expected.add(x) | expected.add(y) ? 1 : 0;
        }
      }
    }
    assertThat(byClip).as("pairs CLIP adds to the hash's").isPositive();
    Map<String, Set<String>> flagged =
        FlaggedIds.byReason(
            spark.read().parquet(result.flaggedParquet().toString()), QualityChecks.MEDIA_REASONS);
    assertThat(flagged.get("near_duplicate")).isEqualTo(expected);
  }

  private static double cosine(List<Float> a, List<Float> b) {
    double dot = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i) * b.get(i);
    }
    return dot;
  }
}
