package io.coreviz.spark.clip.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.spark.clip.ClipFixtures;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a model directory may live: local, relative, or on a Hadoop filesystem. */
class ModelSpecTest {

  @Test
  void aHadoopFilesystemModelIsCopiedOnceAndLoads() throws Exception {
    String uri = "testfs://" + ClipFixtures.TRANSFORMERS_JS.toAbsolutePath();
    ModelSpec spec =
        new ModelSpec(
            uri,
            1,
            false,
            Map.of(
                "fs.testfs.impl",
                TestFileSystem.class.getName(),
                "fs.testfs.impl.disable.cache",
                "true"));

    Path local = spec.localDirectory();

    assertThat(spec.remote()).isTrue();
    assertThat(local).isNotEqualTo(ClipFixtures.TRANSFORMERS_JS);
    assertThat(local.resolve("onnx/vision_model.onnx"))
        .hasSameBinaryContentAs(ClipFixtures.TRANSFORMERS_JS.resolve("onnx/vision_model.onnx"));
    assertThat(spec.localDirectory()).isEqualTo(local);
    try (ClipModel model = ClipModel.load(local, 1, false)) {
      assertThat(model.embedTexts(java.util.List.of("a photo of a cat"))[0]).hasSize(10);
    }
  }

  @Test
  void oneModelPerDirectoryThreadsAndDeviceIsSharedByTheJvm() {
    ModelSpec spec = new ModelSpec(ClipFixtures.OPTIMUM.toString(), 1, false, null);

    ClipModel first = ClipModels.get(spec);

    assertThat(ClipModels.get(new ModelSpec(ClipFixtures.OPTIMUM.toString(), 1, false, Map.of())))
        .isSameAs(first);
    assertThat(ClipModels.get(new ModelSpec(ClipFixtures.OPTIMUM.toString(), 2, false, null)))
        .isNotSameAs(first);
  }

  @Test
  void threadsAreCappedToTheCores() {
    int cores = Runtime.getRuntime().availableProcessors();

    assertThat(new ModelSpec("m", cores + 7, false, null).effectiveThreads()).isEqualTo(cores);
    assertThat(new ModelSpec("m", 1, false, null).effectiveThreads()).isEqualTo(1);
    assertThat(new ModelSpec("m", 0, false, null).effectiveThreads()).isBetween(1, cores);
  }

  @Test
  void itsTextNeverShowsTheHadoopSettings() {
    ModelSpec spec =
        new ModelSpec("s3a://bucket/clip", 0, true, Map.of("fs.s3a.secret.key", "s3cr3t"));

    assertThat(spec.toString()).contains("s3a://bucket/clip").doesNotContain("s3cr3t");
  }

  @Test
  void localPathsAndFileUrisAreUsedInPlace() {
    assertThat(new ModelSpec(ClipFixtures.OPTIMUM.toString(), 0, false, null).localDirectory())
        .isEqualTo(ClipFixtures.OPTIMUM.toAbsolutePath());
    assertThat(new ModelSpec(ClipFixtures.OPTIMUM.toUri().toString(), 0, false, null).remote())
        .isFalse();
  }

  @Test
  void aMissingDirectorySaysWhereItLooked(@org.junit.jupiter.api.io.TempDir Path dir) {
    Path missing = dir.resolve("no-such-model");

    assertThatThrownBy(() -> new ModelSpec(missing.toString(), 0, false, null).localDirectory())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("CLIP model directory not found: " + missing);
    assertThatThrownBy(() -> new ModelSpec(" ", 0, false, null))
        .hasMessageContaining("modelPath is required");
    assertThat(Files.exists(missing)).isFalse();
  }
}
