package io.coreviz.spark.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.SharedSpark;
import io.coreviz.spark.clip.model.ClipMath;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SQL functions on the local server's images, against numpy's golden values (Optimum). */
class ClipSqlFunctionsTest {

  private static final String LABELS =
      "array('a photo of a cat', 'red shoes, blue sky', 'naïve café déjà vu')";
  private static final String IMAGE =
      "CASE WHEN type = 'video' THEN transform(frames, f -> f.blob) ELSE array(blob) END";
  @RegisterExtension static final LocalServer server = LocalServer.of(ClipServer::builder);

  @SharedSpark(settings = "spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions")
  private static SparkSession spark;

  private static JsonNode golden;

  @BeforeAll
  static void start() {
    golden = ClipFixtures.golden(ClipFixtures.OPTIMUM);
    ClipSqlFunctions.register(
        spark,
        new ClipScorer()
            .setModelPath(ClipFixtures.OPTIMUM.toString())
            .setBatchSize(4)
            .setThreads(1));
    ClipServer.read(spark, server.get()).createOrReplaceTempView("media");
  }

  @BeforeEach
  void clearLog() {
    server.clearRequests();
  }

  @Test
  void everyFunctionMatchesTheGoldenValuesAndEachImageIsFetchedOnce() {
    String query =
        "SELECT name, clip_score("
            + IMAGE
            + ", metadata.description) AS score, clip_cosine("
            + IMAGE
            + ", metadata.description) AS cosine, clip_label("
            + IMAGE
            + ", "
            + LABELS
            + ") AS label, clip_probabilities("
            + IMAGE
            + ", "
            + LABELS
            + ") AS probabilities, clip_embed("
            + IMAGE
            + ") AS embedding, clip_error("
            + IMAGE
            + ") AS error, metadata.description AS text FROM media";

    List<Row> rows = spark.sql(query).collectAsList();

    assertThat(rows).hasSize(golden.get("images").size() + 3);
    int checked = 0;
    for (Row row : rows) {
      String name = row.getAs("name");
      float[] image = ClipServer.expectedEmbedding(golden, name);
      if (image == null) {
        assertThat(row.<String>getAs("error")).as(name).isNotNull();
        assertThat(row.<Object>getAs("score")).isNull();
        assertThat(row.<Object>getAs("embedding")).isNull();
        continue;
      }
      double tolerance = name.endsWith(".jpg") ? 5e-3 : 1e-4;
      double cosine = ClipMath.cosine(image, ClipServer.expectedText(golden, row.getAs("text")));
      assertThat(row.<Double>getAs("cosine")).as(name).isCloseTo(cosine, within(tolerance));
      assertThat(row.<Double>getAs("score"))
          .as(name)
          .isCloseTo(100 * cosine, within(100 * tolerance));
      List<Float> embedding = row.getList(row.fieldIndex("embedding"));
      for (int d = 0; d < image.length; d++) {
        assertThat(embedding.get(d)).isCloseTo(image[d], within((float) tolerance));
      }
      double[] logits = new double[3];
      for (int i = 0; i < 3; i++) {
        logits[i] =
            100 * ClipMath.cosine(image, ClipServer.expectedText(golden, ClipServer.TEXTS.get(i)));
      }
      int best = ClipMath.argmax(logits);
      assertThat(row.<String>getAs("label")).as(name).isEqualTo(ClipServer.TEXTS.get(best));
      List<Double> probabilities = row.getList(row.fieldIndex("probabilities"));
      double sum = 0;
      for (double logit : logits) {
        sum += Math.exp(logit - logits[best]);
      }
      for (int i = 0; i < 3; i++) {
        assertThat(probabilities.get(i))
            .isCloseTo(
                Math.exp(logits[i] - logits[best]) / sum,
                within(name.endsWith(".jpg") ? 0.05 : 1e-3));
      }
      assertThat(row.<String>getAs("error")).isNull();
      checked++;
    }
    assertThat(checked).isEqualTo(golden.get("images").size() + 1);
    // Six calls per row, but one batched step: every image was downloaded exactly once.
    Map<String, Long> fetches = blobFetches();
    // the images, the video's two frames, the broken and the missing blob
    assertThat(fetches).hasSize(golden.get("images").size() + 2 + 2);
    assertThat(fetches.values()).containsOnly(1L);
  }

  /** The requests for each blob path since the log was last cleared. */
  private static Map<String, Long> blobFetches() {
    return server.requests().stream()
        .map(RecordedRequest::path)
        .filter(path -> path.startsWith("/blobs/"))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  @Test
  void theSelectListIsPlannedAsOneBatchedStep() {
    String plan =
        spark
            .sql(
                "SELECT name, clip_score(blob, 'a photo of a cat') AS s, clip_embed(blob) AS e FROM media")
            .queryExecution()
            .executedPlan()
            .toString();

    assertThat(plan).contains("MapPartitions").containsOnlyOnce("MapPartitions");
  }

  @Test
  @Timeout(120)
  void aSelectOverACachedTableRunsOnceAndFetchesEachImageOnce() {
    // Adaptive execution plans the query again after each stage it finishes (here the cached
    // table's, then the limit's shuffle) and must find the finished ones in the new plan: were
    // they lost, it would make new stages, each scoring the images again, without end.
    Dataset<Row> images = spark.sql("SELECT * FROM media WHERE type = 'image'").cache();
    images.count();
    images.createOrReplaceTempView("cached_images");
    server.clearRequests();
    Row counts;
    try {
      counts =
          spark
              .sql(
                  "SELECT count(e), count_if(e IS NULL) FROM (SELECT clip_embed(blob) AS e FROM"
                      + " (SELECT * FROM cached_images LIMIT 100))")
              .first();
    } finally {
      images.unpersist();
    }

    Map<String, Long> fetches = blobFetches();
    // every golden image is embedded; the broken and the missing blob are not
    assertThat(counts.getLong(0)).isEqualTo(golden.get("images").size());
    assertThat(counts.getLong(1)).isEqualTo(2);
    assertThat(fetches).hasSize(golden.get("images").size() + 2);
    assertThat(fetches.values()).containsOnly(1L);
  }

  @Test
  void callsOutsideASelectListStillWorkRowByRow() {
    Map<String, Double> batched =
        scores("SELECT name, clip_score(blob, 'a photo of a cat') AS s FROM media");

    List<Row> filtered =
        spark
            .sql(
                "SELECT name FROM media WHERE clip_score(blob, 'a photo of a cat') > "
                    + median(batched))
            .collectAsList();

    long expected = batched.values().stream().filter(s -> s != null && s > median(batched)).count();
    assertThat(filtered).hasSize((int) expected).isNotEmpty();
    for (Row row : filtered) {
      assertThat(batched.get(row.getString(0))).isGreaterThan(median(batched));
    }
  }

  @Test
  void aFilterOnAScoreAboveTheSelectSeesTheBatchedValues() {
    Map<String, Double> all =
        scores("SELECT name, clip_score(blob, 'a photo of a cat') AS s FROM media");

    Map<String, Double> kept =
        scores(
            "SELECT * FROM (SELECT name, clip_score(blob, 'a photo of a cat') AS s FROM media) WHERE s > "
                + median(all));

    assertThat(kept).isNotEmpty();
    kept.forEach((name, score) -> assertThat(score).isCloseTo(all.get(name), within(1e-9)));
    assertThat(kept)
        .hasSize((int) all.values().stream().filter(s -> s != null && s > median(all)).count());
  }

  @Test
  void orderByLimitScoresOnlyTheRowsItKeeps() {
    Map<String, Double> all =
        scores(
            "SELECT name, clip_score(blob, 'a photo of a cat') AS s FROM media WHERE type = 'image'");
    List<String> firstTwo = all.keySet().stream().sorted().limit(2).toList();
    server.clearRequests();

    Map<String, Double> top =
        scores(
            "SELECT name, clip_score(blob, 'a photo of a cat') AS s FROM media"
                + " WHERE type = 'image' ORDER BY name LIMIT 2");

    assertThat(top.keySet()).containsExactlyInAnyOrderElementsOf(firstTwo);
    top.forEach(
        (name, score) -> {
          if (all.get(name) == null) {
            assertThat(score).as(name).isNull(); // a broken or missing image
          } else {
            assertThat(score).as(name).isCloseTo(all.get(name), within(1e-9));
          }
        });
    long downloads = server.requests().stream().filter(r -> r.path().startsWith("/blobs/")).count();
    assertThat(downloads).as("images downloaded for two rows of %d", all.size()).isEqualTo(2);
  }

  private static Map<String, Double> scores(String query) {
    Map<String, Double> scores = new HashMap<>();
    spark
        .sql(query)
        .collectAsList()
        .forEach(r -> scores.put(r.getString(0), r.isNullAt(1) ? null : r.getDouble(1)));
    return scores;
  }

  private static double median(Map<String, Double> scores) {
    List<Double> values = scores.values().stream().filter(v -> v != null).sorted().toList();
    return values.get(values.size() / 2);
  }
}
