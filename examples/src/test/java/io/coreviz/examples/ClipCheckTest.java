package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality job's CLIP check, counted against the stored items (tiny test model). */
class ClipCheckTest {

  private static final String KEY = "clip-check-key";
  private static final String MODEL = "../connector/src/test/resources/clip/optimum";
  private static SparkSession spark;
  private static MediaCollection collection;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(11, 160);
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
    QualityJob.Result result =
        QualityJob.run(
            spark,
            Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id()),
            out,
            new ClipCheck.Settings(MODEL, 20));

    List<MediaItem> described =
        collection.media().stream()
            .filter(item -> item.description() != null || item.prompt() != null)
            .toList();
    long withoutImages =
        described.stream()
            .filter(item -> MediaItem.VIDEO.equals(item.type()) && item.frames().isEmpty())
            .count();
    ClipCheck.Summary clip = result.clip();
    assertThat(described).isNotEmpty();
    assertThat(clip.scored()).isEqualTo(described.size() - withoutImages);
    assertThat(clip.failed()).isEqualTo(withoutImages);
    if (withoutImages > 0) {
      assertThat(clip.reasons())
          .containsOnlyKeys(List.of(clip.reasons().keySet().iterator().next()));
      assertThat(clip.reasons().keySet().iterator().next()).startsWith("no image");
    }
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
  }
}
