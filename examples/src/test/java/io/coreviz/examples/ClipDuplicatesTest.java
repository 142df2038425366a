package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.PlantedDefects;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Near copies by CLIP embedding (tiny test model): the pairs LSH finds are those a comparison of
 * every pair of embeddings finds, at several thresholds.
 */
class ClipDuplicatesTest {

  private static final String KEY = "clip-duplicates-key";
  private static final String MODEL = "../connector/src/test/resources/clip/optimum";
  private static SparkSession spark;
  private static CoreVizEmulator server;
  private static PlantedDefects planted;
  private static Map<String, String> options;
  private static Dataset<Row> embeddings;

  @BeforeAll
  static void start() {
    MediaCollection collection = SyntheticCollection.generate(TestSeeds.seed(21), 600);
    planted = PlantedDefects.plant(collection, TestSeeds.seed(5), 2);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("ClipDuplicatesTest");
    options = Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id());
    Dataset<Row> items = spark.read().format("coreviz").options(options).load();
    embeddings =
        ClipDuplicates.embeddings(
                ClipCheck.embed(
                    items,
                    BlobChecks.inspect(items, options, true).rows(),
                    new ClipCheck.Settings(MODEL, 0, 0.95),
                    options),
                MODEL)
            .cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  @Test
  void lshFindsThePairsAComparisonOfEveryPairFinds() {
    // LSH is approximate; with its fixed seed it misses none of these (101, 15 and 10 pairs).
    List<String> ids = new ArrayList<>();
    List<float[]> vectors = new ArrayList<>();
    for (Row row : embeddings.collectAsList()) {
      List<Float> list = row.getList(2);
      float[] v = new float[list.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = list.get(i);
      }
      ids.add(row.getString(0));
      vectors.add(v);
    }
    // The figures docs/quality-job.md gives for the test's own collection: pairs at each
    // threshold, on this many images.
    boolean documentedCollection = TestSeeds.offset() == 0;
    if (documentedCollection) {
      assertThat(ids).as("images embedded").hasSize(495);
    }
    Map<Double, Integer> documented = Map.of(0.9, 101, 0.95, 15, 0.99, 10);
    for (double min : new double[] {0.9, 0.95, 0.99}) {
      Set<String> everyPair = new HashSet<>();
      for (int i = 0; i < ids.size(); i++) {
        for (int j = i + 1; j < ids.size(); j++) {
          if (cos(vectors.get(i), vectors.get(j)) >= min) {
            String x = ids.get(i);
            String y = ids.get(j);
            everyPair.add(x.compareTo(y) < 0 ? x + " " + y : y + " " + x);
          }
        }
      }
      Set<String> found = new HashSet<>();
      for (Row row : ClipDuplicates.pairs(embeddings, embeddings, min).collectAsList()) {
        found.add(row.getString(0) + " " + row.getString(1));
      }
      if (documentedCollection) {
        assertThat(everyPair).as("pairs at %.2f or more", min).hasSize(documented.get(min));
      }
      assertThat(found).as("pairs LSH found at %.2f or more", min).isEqualTo(everyPair);
    }
  }

  private static double cos(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return dot;
  }

  @Test
  void nothingNewPairsNothing() {
    // A run with no new image: no pairs, and no failure (LSH learns the dimension from a row),
    // whether or not earlier runs embedded any.
    Dataset<Row> none = embeddings.limit(0);
    assertThat(ClipDuplicates.pairs(none, embeddings, 0.5).collectAsList()).isEmpty();
    assertThat(ClipDuplicates.pairs(none, none, 0.5).collectAsList()).isEmpty();
  }

  @Test
  void aCosineOutsideMinusOneToOneIsRefused() {
    assertThatThrownBy(
            () -> QualityJob.parseClip(Map.of("--clip-model", MODEL, "--clip-min-cosine", "95")))
        .hasMessageContaining("--clip-min-cosine")
        .hasMessageContaining("95")
        .hasMessageContaining("between -1 and 1");
  }
}
