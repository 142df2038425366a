package io.coreviz.spark.clip.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.spark.clip.ClipFixtures;
import io.coreviz.spark.clip.image.UndecodableImageException;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java model path (decode, Pillow-exact resize, crop, normalise, ONNX Runtime, L2 norm) against
 * numpy/Pillow golden values, for both model layouts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClipModelTest {

  private static final double TOLERANCE = 1e-4;
  private ClipModel optimum;
  private ClipModel transformersJs;

  @BeforeAll
  void load() {
    optimum = ClipModel.load(ClipFixtures.OPTIMUM, 2, false);
    transformersJs = ClipModel.load(ClipFixtures.TRANSFORMERS_JS, 2, false);
  }

  @AfterAll
  void close() {
    optimum.close();
    transformersJs.close();
  }

  Stream<Object[]> layouts() {
    return Stream.of(
        new Object[] {"optimum", optimum, ClipFixtures.golden(ClipFixtures.OPTIMUM)},
        new Object[] {
          "transformers-js", transformersJs, ClipFixtures.golden(ClipFixtures.TRANSFORMERS_JS)
        });
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("layouts")
  void preprocessingMatchesPillowPixelForPixel(String layout, ClipModel model, JsonNode golden)
      throws Exception {
    int[][] probes = {
      {0, 0, 0},
      {1, 0, 223},
      {2, 223, 0},
      {0, 223, 223},
      {1, 111, 112},
      {2, 57, 190},
      {0, 200, 31},
      {1, 13, 77}
    };
    for (JsonNode image : golden.get("images")) {
      String name = image.get("name").asText();
      float[] tensor = new float[model.preprocessor().tensorSize()];
      model.preprocessor().preprocess(ClipFixtures.image(name), tensor, 0);
      for (int c = 0; c < 3; c++) {
        double sum = 0;
        for (int i = c * 224 * 224; i < (c + 1) * 224 * 224; i++) {
          sum += tensor[i];
        }
        // JPEG decoders (libjpeg-turbo vs the JDK's) may round a few pixels differently.
        double tolerance = name.endsWith(".jpg") ? 50 : 0.01;
        assertThat(sum)
            .as("%s channel %d sum", name, c)
            .isCloseTo(image.get("pixelSum").get(c).asDouble(), within(tolerance));
      }
      if (!name.endsWith(".jpg")) {
        for (int p = 0; p < probes.length; p++) {
          int[] probe = probes[p];
          assertThat(tensor[probe[0] * 224 * 224 + probe[1] * 224 + probe[2]])
              .as("%s pixel %s", name, java.util.Arrays.toString(probe))
              .isCloseTo((float) image.get("pixelProbes").get(p).asDouble(), within(1e-5f));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("layouts")
  void imageEmbeddingsMatchTheGoldenValues(String layout, ClipModel model, JsonNode golden)
      throws Exception {
    List<String> names = new ArrayList<>();
    golden.get("images").forEach(i -> names.add(i.get("name").asText()));
    int size = model.preprocessor().tensorSize();
    float[] pixels = new float[names.size() * size];
    for (int i = 0; i < names.size(); i++) {
      model.preprocessor().preprocess(ClipFixtures.image(names.get(i)), pixels, i * size);
    }

    float[][] embeddings = model.embedImages(pixels, names.size());

    for (int i = 0; i < names.size(); i++) {
      float[] expected = ClipFixtures.floats(golden.get("images").get(i).get("embedding"));
      double tolerance = names.get(i).endsWith(".jpg") ? 5e-3 : TOLERANCE;
      assertThat(embeddings[i])
          .as(names.get(i))
          .containsExactly(expected, within((float) tolerance));
    }
  }

  @ParameterizedTest(name = "{0}", autoCloseArguments = false)
  @MethodSource("layouts")
  void textEmbeddingsAndCosinesMatchTheGoldenValues(String layout, ClipModel model, JsonNode golden)
      throws Exception {
    List<String> texts = new ArrayList<>();
    golden.get("texts").forEach(t -> texts.add(t.get("text").asText()));

    float[][] embeddings = model.embedTexts(texts);

    for (int i = 0; i < texts.size(); i++) {
      float[] expected = ClipFixtures.floats(golden.get("texts").get(i).get("embedding"));
      assertThat(embeddings[i])
          .as(texts.get(i))
          .containsExactly(expected, within((float) TOLERANCE));
    }
    float[] image = new float[model.preprocessor().tensorSize()];
    model.preprocessor().preprocess(ClipFixtures.image("landscape.png"), image, 0);
    float[] embedding = model.embedImages(image, 1)[0];
    for (int t = 0; t < texts.size(); t++) {
      assertThat(ClipMath.cosine(embedding, embeddings[t]))
          .isCloseTo(golden.get("cosine").get(0).get(t).asDouble(), within(TOLERANCE));
    }
  }

  /** The golden check has teeth: one channel swap or a one-pixel shift moves the embedding. */
  @Test
  void theImageTowerSeesChannelOrderAndPosition() throws Exception {
    int size = optimum.preprocessor().tensorSize();
    float[] pixels = new float[3 * size];
    optimum.preprocessor().preprocess(ClipFixtures.image("landscape.png"), pixels, 0);
    int plane = 224 * 224;
    for (int i = 0; i < plane; i++) { // RGB -> BGR
      pixels[size + i] = pixels[2 * plane + i];
      pixels[size + plane + i] = pixels[plane + i];
      pixels[size + 2 * plane + i] = pixels[i];
    }
    for (int c = 0; c < 3; c++) { // shifted one pixel right
      for (int y = 0; y < 224; y++) {
        for (int x = 1; x < 224; x++) {
          pixels[2 * size + c * plane + y * 224 + x] = pixels[c * plane + y * 224 + x - 1];
        }
      }
    }

    float[][] embeddings = optimum.embedImages(pixels, 3);

    assertThat(distance(embeddings[0], embeddings[1])).isGreaterThan(100 * TOLERANCE);
    assertThat(distance(embeddings[0], embeddings[2])).isGreaterThan(10 * TOLERANCE);
  }

  /**
   * Heap arrays go through direct buffers the model reuses: callers at once never share one, and a
   * larger batch after a smaller one gets room for all of it.
   */
  @Test
  void heapBatchesFromManyThreadsEmbedAsDirectBuffersDo() throws Exception {
    int size = optimum.preprocessor().tensorSize();
    SplittableRandom random = new SplittableRandom(17);
    List<float[]> batches = new ArrayList<>();
    List<float[][]> expected = new ArrayList<>();
    for (int b = 0; b < 12; b++) {
      int count = 1 + b % 3;
      float[] pixels = new float[count * size];
      for (int i = 0; i < pixels.length; i++) {
        pixels[i] = (float) random.nextDouble(-2, 2);
      }
      FloatBuffer direct = ClipModel.directBuffer(pixels.length).put(pixels).flip();
      batches.add(pixels);
      expected.add(optimum.embedImages(direct, count));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Void>> runs = new ArrayList<>();
      for (int thread = 0; thread < 4; thread++) {
        int offset = thread;
        runs.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 30; round++) {
                    int b = (offset + round) % batches.size();
                    float[][] actual = optimum.embedImages(batches.get(b), 1 + b % 3);
                    for (int i = 0; i < actual.length; i++) {
                      assertThat(actual[i])
                          .as("batch %d, image %d", b, i)
                          .containsExactly(expected.get(b)[i], within(1e-6f));
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> run : runs) {
        run.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withoutCudaLibrariesCudaFallsBackToTheCpuWithAWarningThatNamesTheMissingOne() {
    // The test class path has ONNX Runtime's CPU jar: no CUDA provider library to load. What
    // ONNX Runtime itself says about it:
    String missing;
    try (ai.onnxruntime.OrtSession.SessionOptions options =
        new ai.onnxruntime.OrtSession.SessionOptions()) {
      options.addCUDA(0);
      throw new AssertionError("CUDA loaded: this test needs a machine without it");
    } catch (ai.onnxruntime.OrtException e) {
      missing = e.getMessage();
    }
    ClipModel.forgetWarnings(); // an earlier test in this JVM may have warned already
    io.coreviz.spark.CapturedLogs logs = new io.coreviz.spark.CapturedLogs("cuda-fallback");
    try (logs;
        ClipModel model = ClipModel.load(ClipFixtures.OPTIMUM, 1, true)) {
      assertThat(model.provider()).isEqualTo("CPU");
      float[] pixels = new float[model.preprocessor().tensorSize()];
      assertThat(model.embedImages(pixels, 1)[0]).hasSize(optimum.embedImages(pixels, 1)[0].length);
    }

    assertThat(logs.text())
        .as("the warning")
        .contains("WARN " + ClipModel.class.getName() + ": CUDA is not usable")
        .contains("runs on the CPU: " + missing)
        .contains("onnxruntime_gpu");
  }

  @Test
  void undecodableBytesAreReportedNotThrownAsSomethingElse() {
    float[] tensor = new float[optimum.preprocessor().tensorSize()];

    assertThatThrownBy(
            () ->
                optimum
                    .preprocessor()
                    .preprocess(ClipFixtures.image("not-an-image.png"), tensor, 0))
        .isInstanceOf(UndecodableImageException.class)
        .hasMessageContaining("cannot decode image");
  }

  @Test
  void aDirectoryWithoutAModelSaysWhichLayoutsItAccepts(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("README.md"), "not a model");

    assertThatThrownBy(() -> ClipModel.load(dir, 1, false))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("model.onnx")
        .hasMessageContaining("onnx/text_model.onnx");
  }

  private static double distance(float[] a, float[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }
}
