package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The distributable jar works on a cluster classpath that has Spark but no OkHttp, Okio, Kotlin or
 * TwelveMonkeys: a separate JVM reads a collection with only {@code coreviz-spark-<v>-all.jar}, and
 * scores a WebP image with CLIP (ONNX Runtime beside the jar, as users deploy it).
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
                    entry -> !Path.of(entry).getFileName().toString().startsWith("coreviz-spark-0"))
                .collect(Collectors.joining(File.pathSeparator))
            + File.pathSeparator
            + jar;
    MediaCollection collection = SyntheticCollection.generate(21, 420);

    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential("k").start()) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(Arrays.asList(System.getProperty("coreviz.javaOpens").trim().split("\\s+")));
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
          .contains("clip_error=null embedding=10");
    }
  }
}
