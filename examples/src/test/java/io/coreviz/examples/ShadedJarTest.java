package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The distributable jar works on a cluster classpath that has Spark but no OkHttp, Okio, Kotlin or
 * TwelveMonkeys: a separate JVM reads a collection with only {@code
 * coreviz-spark-<line>_<scala>-<v>-all.jar}, and scores a WebP image with CLIP (ONNX Runtime beside
 * the jar, as users deploy it).
 */
class ShadedJarTest {

  @Test
  void shadedJarReadsACollectionWithoutItsDependenciesOnTheClasspath() throws Exception {
    Path jar = Path.of(System.getProperty("coreviz.shadedJar"));
    assertThat(jar).as("run 'mvn verify' so the connector's shaded jar exists").exists();
    String classpath =
        Arrays.stream(
                    System.getProperty(
                            "surefire.test.class.path", System.getProperty("java.class.path"))
                        .split(File.pathSeparator))
                .filter(entry -> !entry.matches(".*(okhttp|okio|kotlin|jetbrains|twelvemonkeys).*"))
                .filter(
                    entry ->
                        !entry.contains(
                            "connector" + File.separator + "target" + File.separator + "classes"))
                .filter(
                    entry ->
                        !Path.of(entry)
                            .getFileName()
                            .toString()
                            .matches("coreviz-spark-\\d.*\\.jar")) // the unshaded connector
                .collect(Collectors.joining(File.pathSeparator))
            + File.pathSeparator
            + jar;
    MediaCollection collection = SyntheticCollection.generate(21, 420);

    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential("k").start()) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(
          Arrays.asList(System.getProperty("coreviz.childJavaOptions").trim().split("\\s+")));
      command.addAll(
          List.of(
              "-Xmx1g",
              "-cp",
              classpath,
              ShadedJarSmoke.class.getName(),
              server.baseUrl(),
              "k",
              collection.id(),
              Path.of("../connector/src/test/resources/clip/transformers-js")
                  .toAbsolutePath()
                  .toString(),
              Path.of("../connector/src/test/resources/clip/images/lossless.webp")
                  .toAbsolutePath()
                  .toString()));
      Path log = Files.createTempFile("shaded-smoke", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      boolean finished = process.waitFor(180, TimeUnit.SECONDS);
      if (!finished) {
        process.destroyForcibly();
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);

      assertThat(finished).as(output).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      assertThat(output)
          .contains("okhttp3 absent")
          .containsPattern("connector from .*" + jar.getFileName() + "\\R")
          .contains("rows=" + collection.items().size())
          .contains("clip_error=null embedding=[");
      assertEmbeddingIsTheGoldenOne(output, "lossless.webp");
    }
  }

  /**
   * The shaded jar's WebP decoder, preprocessing and model give numpy/Pillow's reference embedding,
   * value by value: relocation that broke a service file or a decoder would not.
   */
  private static void assertEmbeddingIsTheGoldenOne(String output, String image) throws Exception {
    Matcher printed = Pattern.compile("embedding=\\[([^\\]]*)\\]").matcher(output);
    assertThat(printed.find()).as(output).isTrue();
    double[] actual =
        Arrays.stream(printed.group(1).split(",\\s*")).mapToDouble(Double::parseDouble).toArray();
    JsonNode golden =
        new ObjectMapper()
            .readTree(
                Path.of("../connector/src/test/resources/clip/transformers-js/golden.json")
                    .toFile());
    JsonNode expected = null;
    for (JsonNode entry : golden.get("images")) {
      if (entry.get("name").asText().equals(image)) {
        expected = entry.get("embedding");
      }
    }
    assertThat(expected).as("golden.json holds " + image).isNotNull();
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < actual.length; i++) {
      assertThat(actual[i])
          .as("embedding[%d] of %s", i, image)
          .isCloseTo(expected.get(i).asDouble(), within(1e-4));
    }
  }
}
