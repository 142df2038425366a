package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.PlantedDefects;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
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
    collection = SyntheticCollection.generate(TestSeeds.seed(11), 160).measureSizes();
    planted = PlantedDefects.plant(collection, TestSeeds.seed(5), 2);
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

    // Each image's bytes are fetched once: the blob checks' download is what CLIP embeds and
    // scores (it had been fetched again by CLIP, and before that once per CLIP pass).
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
      assertThat(fetches.getOrDefault(blob, 0L)).as("fetches of %s", blob).isEqualTo(1L);
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
    // The truth: the connector's scorer (golden-checked in its own tests) run apart from the job,
    // on the local server's stored items and their served bytes.
    Map<String, Reference> truth = new HashMap<>();
    Map<String, List<Float>> reference = new HashMap<>();
    reference(described, truth, reference);
    List<Row> written = spark.read().parquet(clip.parquet().toString()).collectAsList();
    assertThat(written).hasSize(described.size());
    Map<String, String> textById = new HashMap<>();
    described.forEach(
        item ->
            textById.put(
                item.id(), item.description() != null ? item.description() : item.prompt()));
    long below = 0;
    int compared = 0;
    for (Row row : written) {
      String id = row.getString(0);
      assertThat(row.getString(row.fieldIndex("text")))
          .as("text of %s", id)
          .isEqualTo(textById.get(id));
      Object score = row.get(row.fieldIndex("clip_score"));
      Reference expected = truth.get(id);
      if (expected != null) {
        if (expected.score() == null) {
          assertThat(score).as("clip_score of %s", id).isNull();
        } else {
          assertThat(((Number) score).doubleValue())
              .as("clip_score of %s", id)
              .isCloseTo(expected.score(), within(1e-3));
        }
        compared++;
      }
      if (score != null) {
        below += ((Number) score).doubleValue() < 20 ? 1 : 0;
      }
    }
    assertThat(compared).as("described images compared").isGreaterThan(described.size() / 3);
    assertThat(clip.lowMatch()).as("rows written with a score below 20").isEqualTo(below);

    // The embeddings kept: exactly the images with an embedding of their own bytes, each equal to
    // the reference's.
    List<Row> embedded =
        QualityHistory.inFolder(spark, out.resolve("warehouse").toString(), collection.id())
            .embeddings()
            .collectAsList();
    Map<String, List<Float>> kept = new HashMap<>();
    embedded.forEach(row -> kept.put(row.getString(0), row.getList(2)));
    assertThat(kept.keySet()).as("embedded ids").isEqualTo(reference.keySet());
    reference.forEach(
        (id, vector) -> {
          for (int d = 0; d < vector.size(); d++) {
            assertThat(kept.get(id).get(d))
                .as("embedding of %s", id)
                .isCloseTo(vector.get(d), within(1e-5f));
          }
        });

    // Near copies: the planted sets (found by the perceptual hash, QualityMediaChecksTest) and
    // every pair of reference embeddings at MIN_COSINE or more, other than pairs of the same bytes.
    Set<String> expected = new HashSet<>();
    planted.nearSets().forEach(expected::addAll);
    Set<Set<String>> sameBytes = GeneratedBlobs.sameBytes(collection);
    List<String> ids = List.copyOf(reference.keySet());
    int byClip = 0;
    for (int i = 0; i < ids.size(); i++) {
      for (int j = i + 1; j < ids.size(); j++) {
        String x = ids.get(i);
        String y = ids.get(j);
        boolean same = sameBytes.stream().anyMatch(set -> set.contains(x) && set.contains(y));
        if (!same && cosine(reference.get(x), reference.get(y)) >= MIN_COSINE) {
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

  /** The reference's text score of a described image; null where it has none. */
  private record Reference(Double score) {}

  /** The blob URLs of the stored images, with their texts (null where undescribed). */
  private static org.apache.spark.sql.Dataset<Row> storedImages(List<MediaItem> described) {
    Set<String> describedIds = new HashSet<>();
    described.forEach(item -> describedIds.add(item.id()));
    List<Row> rows = new java.util.ArrayList<>();
    for (MediaItem item : collection.media()) {
      if (MediaItem.IMAGE.equals(item.type())) {
        String text =
            !describedIds.contains(item.id())
                ? null
                : item.description() != null ? item.description() : item.prompt();
        rows.add(
            org.apache.spark.sql.RowFactory.create(
                item.id(), server.blobUrl(collection.id(), item.blobKey()), text));
      }
    }
    return spark.createDataFrame(
        rows,
        new org.apache.spark.sql.types.StructType()
            .add("id", "string")
            .add("blob", "string")
            .add("text", "string"));
  }

  /**
   * One pass of the connector's scorer over every stored image: the text score of each described
   * one (in {@code scores}) and the embedding of each that has one (in {@code embeddings}).
   */
  private static void reference(
      List<MediaItem> described,
      Map<String, Reference> scores,
      Map<String, List<Float>> embeddings) {
    new io.coreviz.spark.clip.ClipScorer()
        .setModelPath(MODEL)
        .setImageCol("blob")
        .setTextCol("text")
        .setEmbeddingCol("embedding")
        .transform(storedImages(described))
        .select("id", "text", "clip_score", "embedding")
        .collectAsList()
        .forEach(
            row -> {
              if (!row.isNullAt(1)) {
                scores.put(
                    row.getString(0), new Reference(row.isNullAt(2) ? null : row.getDouble(2)));
              }
              if (!row.isNullAt(3)) {
                embeddings.put(row.getString(0), row.getList(3));
              }
            });
  }

  private static double cosine(List<Float> a, List<Float> b) {
    double dot = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i) * b.get(i);
    }
    return dot;
  }
}
