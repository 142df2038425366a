package io.coreviz.spark.clip.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.clip.ClipFixtures;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime's native start needs more stack than a default thread has left in a JVM with a long
 * class path, as every Spark executor has: there it used to kill the JVM with SIGSEGV.
 */
class OnnxRuntimeStartTest {

  @Test
  void withoutOnnxRuntimeOnTheClassPathTheErrorSaysWhatToAdd() throws Exception {
    String classPath =
        java.util.Arrays.stream(
                System.getProperty("surefire.test.class.path").split(File.pathSeparator))
            .filter(entry -> !entry.contains("onnxruntime"))
            .collect(java.util.stream.Collectors.joining(File.pathSeparator));

    String output = run(classPath);

    assertThat(output)
        .contains("failed: io.coreviz.spark.errors.ConfigurationException")
        .contains("com.microsoft.onnxruntime:onnxruntime")
        .doesNotContain("NoClassDefFoundError");
  }

  @Test
  void aModelLoadsInAJvmWithAnExecutorSizedClassPath() throws Exception {
    StringBuilder classPath = new StringBuilder(System.getProperty("surefire.test.class.path"));
    for (int i = 0; i < 300; i++) { // ~15 KB more, like a cluster's jars
      classPath
          .append(File.pathSeparator)
          .append("/opt/cluster/jars/some-library-")
          .append(i)
          .append(".jar");
    }
    assertThat(classPath.length()).isGreaterThan(16_000);

    assertThat(run(classPath.toString())).contains("embedded 12");
  }

  /** Runs LongClassPathMain on the fixture model in a child JVM; its output. */
  private static String run(String classPath) throws Exception {
    Process process =
        new ProcessBuilder(
                List.of(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    classPath,
                    LongClassPathMain.class.getName(),
                    ClipFixtures.OPTIMUM.toString()))
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("finished in time").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
    return output;
  }
}
