package io.coreviz.spark.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.SharedSpark;
import io.coreviz.spark.clip.model.ClipMath;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClipScorer end to end: images served by the local CoreViz server, read with the coreviz source,
 * scored in Spark, compared with numpy's golden embeddings (the transformers.js fixture, whose own
 * tokenizer.json and preprocessor_config.json must be honoured).
 */
class ClipScorerTest {

  private static final double TOLERANCE = 1e-4;
  @RegisterExtension static final LocalServer server = LocalServer.of(ClipServer::builder);
  @SharedSpark private static SparkSession spark;
  private static JsonNode golden;

  @BeforeAll
  static void start() {
    golden = ClipFixtures.golden(ClipFixtures.TRANSFORMERS_JS);
  }

  private Dataset<Row> media() {
    return ClipServer.read(spark, server.get())
        .withColumn("text", org.apache.spark.sql.functions.col("metadata.description"));
  }

  private static ClipScorer scorer() {
    return new ClipScorer()
        .setModelPath(ClipFixtures.TRANSFORMERS_JS.toString())
        .setBatchSize(3)
        .setDownloadThreads(4)
        .setThreads(1);
  }

  @Test
  void reducedScaleDecodingReachesTheDecoderAndOnlyWhenAskedFor() throws Exception {
    java.awt.image.BufferedImage picture =
        new java.awt.image.BufferedImage(1200, 900, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = picture.createGraphics();
    g.setPaint(
        new java.awt.GradientPaint(0, 0, java.awt.Color.RED, 1200, 900, java.awt.Color.BLUE));
    g.fillRect(0, 0, 1200, 900);
    g.setColor(java.awt.Color.YELLOW);
    for (int x = 0; x < 1200; x += 3) {
      g.drawLine(x, 0, x, 900); // fine detail, which a reduced decode sees differently
    }
    g.dispose();
    java.io.ByteArrayOutputStream jpeg = new java.io.ByteArrayOutputStream();
    javax.imageio.ImageIO.write(picture, "jpg", jpeg);
    byte[] bytes = jpeg.toByteArray();
    Dataset<Row> images =
        spark.createDataFrame(
            List.of(org.apache.spark.sql.RowFactory.create((Object) bytes)),
            new org.apache.spark.sql.types.StructType()
                .add("image", org.apache.spark.sql.types.DataTypes.BinaryType));

    float[][] expected = new float[2][];
    try (io.coreviz.spark.clip.model.ClipModel model =
        io.coreviz.spark.clip.model.ClipModel.load(ClipFixtures.TRANSFORMERS_JS, 1, false)) {
      for (int reduced = 0; reduced < 2; reduced++) {
        float[] pixels = new float[model.preprocessor().tensorSize()];
        model.preprocessor().preprocess(bytes, pixels, 0, reduced == 1);
        expected[reduced] = model.embedImages(pixels, 1)[0];
      }
    }
    assertThat(expected[1]).isNotEqualTo(expected[0]);
    for (int reduced = 0; reduced < 2; reduced++) {
      Row row =
          scorer()
              .setImageCol("image")
              .setEmbeddingCol("embedding")
              .setReducedScaleDecoding(reduced == 1)
              .transform(images)
              .first();
      List<Float> embedding = row.getList(row.fieldIndex("embedding"));
      for (int d = 0; d < expected[reduced].length; d++) {
        assertThat(embedding.get(d))
            .as("reduced %s embedding[%d]", reduced == 1, d)
            .isEqualTo(expected[reduced][d]);
      }
    }
  }

  @Test
  void scoresEveryImageAgainstItsTextAsNumpyDoes() {
    ClipScorer scorer = scorer().setTextCol("text").setEmbeddingCol("embedding");

    List<Row> rows = scorer.transform(media()).collectAsList();

    assertThat(rows).hasSize(golden.get("images").size() + 3);
    int checked = 0;
    for (Row row : rows) {
      String name = row.getAs("name");
      float[] expected = ClipServer.expectedEmbedding(golden, name);
      if (expected == null) {
        continue;
      }
      double tolerance = name.endsWith(".jpg") ? 5e-3 : TOLERANCE;
      List<Float> embedding = row.getList(row.fieldIndex("embedding"));
      for (int d = 0; d < expected.length; d++) {
        assertThat(embedding.get(d))
            .as("%s embedding[%d]", name, d)
            .isCloseTo(expected[d], within((float) tolerance));
      }
      double cosine = ClipMath.cosine(expected, ClipServer.expectedText(golden, row.getAs("text")));
      assertThat((double) row.getAs("clip_cosine")).as(name).isCloseTo(cosine, within(tolerance));
      assertThat((double) row.getAs("clip_score"))
          .as(name)
          .isCloseTo(100 * cosine, within(100 * tolerance));
      assertThat((String) row.getAs("clip_error")).as(name).isNull();
      checked++;
    }
    assertThat(checked)
        .as("golden images and the video")
        .isEqualTo(golden.get("images").size() + 1);
    assertThat(scorer.failedRows()).isEqualTo(2);
  }

  @Test
  void brokenAndMissingImagesGetAReasonNotAFailedJob() {
    ClipScorer scorer = scorer().setTextCol("text");

    Map<String, Row> byName = new HashMap<>();
    scorer.transform(media()).collectAsList().forEach(r -> byName.put(r.getAs("name"), r));

    Row broken = byName.get("broken.png");
    assertThat(broken.<Double>getAs("clip_score")).isNull();
    assertThat(broken.<String>getAs("clip_error")).contains("cannot decode image");
    Row gone = byName.get("gone.png");
    assertThat(gone.<Double>getAs("clip_score")).isNull();
    assertThat(gone.<String>getAs("clip_error")).contains("HTTP 404");
    assertThat(scorer.failedRows()).isEqualTo(2);
  }

  @Test
  void labelsGetCLIPsSoftmaxAndTheBestLabel() {
    String[] labels = ClipServer.TEXTS.toArray(new String[0]);
    List<Row> rows = scorer().setLabels(labels).transform(media()).collectAsList();

    for (Row row : rows) {
      float[] image = ClipServer.expectedEmbedding(golden, row.getAs("name"));
      if (image == null || row.<String>getAs("name").endsWith(".jpg")) {
        continue;
      }
      double[] logits = new double[labels.length];
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < labels.length; i++) {
        logits[i] = 100 * ClipMath.cosine(image, ClipServer.expectedText(golden, labels[i]));
        max = Math.max(max, logits[i]);
      }
      double sum = 0;
      for (double logit : logits) {
        sum += Math.exp(logit - max);
      }
      List<Double> probabilities = row.getList(row.fieldIndex("clip_probabilities"));
      int best = 0;
      for (int i = 0; i < labels.length; i++) {
        assertThat(probabilities.get(i)).isCloseTo(Math.exp(logits[i] - max) / sum, within(1e-3));
        best = logits[i] > logits[best] ? i : best;
      }
      assertThat((String) row.getAs("clip_label")).isEqualTo(labels[best]);
      assertThat((double) row.getAs("clip_score")).isCloseTo(logits[best], within(1e-2));
    }
  }

  @Test
  void theApiKeyGoesToTheEndpointHostOnly() {
    try (CoreVizEmulator other = ClipServer.builder().start()) {
      String endpointBlob = server.get().blobUrl(ClipServer.COLLECTION, "img0");
      String otherBlob = other.blobUrl(ClipServer.COLLECTION, "img0");
      Dataset<Row> urls =
          spark.createDataset(List.of(endpointBlob, otherBlob), Encoders.STRING()).toDF("url");
      server.clearRequests();

      List<Row> rows =
          scorer()
              .setImageCol("url")
              .setEmbeddingCol("e")
              .setApiKey(server.baseUrl(), ClipServer.KEY)
              .transform(urls)
              .collectAsList();

      assertThat(rows).allSatisfy(r -> assertThat(r.<String>getAs("clip_error")).isNull());
      assertThat(server.requests())
          .extracting(RecordedRequest::authScheme)
          .containsExactly("x-api-key");
      assertThat(other.requests()).hasSize(1);
      assertThat(other.requests().get(0).authScheme()).isNull();
    }
  }

  @Test
  void binaryImagesAreScoredWithoutDownloads() {
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .load(ClipFixtures.IMAGES.resolve("landscape.png").toString());

    Row row = scorer().setImageCol("content").setEmbeddingCol("e").transform(files).first();

    float[] expected = ClipServer.expectedEmbedding(golden, "landscape.png");
    List<Float> embedding = row.getList(row.fieldIndex("e"));
    for (int d = 0; d < expected.length; d++) {
      assertThat(embedding.get(d)).isCloseTo(expected[d], within((float) TOLERANCE));
    }
  }

  @Test
  void aModelShippedWithAddFileIsFoundByItsName() {
    spark.sparkContext().addFile(ClipFixtures.TRANSFORMERS_JS.toString(), true);
    Dataset<Row> files =
        spark.read().format("binaryFile").load(ClipFixtures.IMAGES.resolve("exact.png").toString());

    Row row =
        scorer()
            .setModelPath("transformers-js")
            .setImageCol("content")
            .setEmbeddingCol("e")
            .transform(files)
            .first();

    assertThat(row.<String>getAs("clip_error")).isNull();
    assertThat(row.<Float>getList(row.fieldIndex("e")).get(0))
        .isCloseTo(ClipServer.expectedEmbedding(golden, "exact.png")[0], within((float) TOLERANCE));
  }

  @Test
  void invalidSettingsAreRejectedBeforeAnyWork() {
    assertThatThrownBy(() -> new ClipScorer().setTextCol("text").transform(media()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("setModelPath");
    assertThatThrownBy(() -> scorer().setImageCol("width").setTextCol("text").transform(media()))
        .hasMessageContaining("imageCol 'width' is int");
    assertThatThrownBy(() -> scorer().transform(media()))
        .hasMessageContaining("nothing to compute");
    assertThatThrownBy(() -> scorer().setTextCol("nope").transform(media()))
        .hasMessageContaining("textCol 'nope' is not a column");
    assertThatThrownBy(() -> scorer().setTextCol("text").setBatchSize(0).transform(media()))
        .hasMessageContaining("batchSize must be between 1 and 4096: 0");
  }

  @Test
  void savesAndLoadsWithoutTheApiKey(@TempDir Path dir) throws Exception {
    ClipScorer scorer = scorer().setLabels("a", "b").setApiKey(server.baseUrl(), ClipServer.KEY);
    String path = dir.resolve("scorer").toString();

    scorer.write().save(path);
    ClipScorer loaded = ClipScorer.load(path);

    assertThat(loaded.getOrDefault(loaded.labels())).isEqualTo(new String[] {"a", "b"});
    assertThat(loaded.getOrDefault(loaded.batchSize())).isEqualTo(3);
    assertThat(
            java.nio.file.Files.walk(dir)
                .filter(java.nio.file.Files::isRegularFile)
                .map(
                    p -> {
                      try {
                        return java.nio.file.Files.readString(p);
                      } catch (Exception e) {
                        return "";
                      }
                    }))
        .noneMatch(text -> text.contains(ClipServer.KEY));
    assertThat(scorer.explainParams()).doesNotContain(ClipServer.KEY);
  }
}
