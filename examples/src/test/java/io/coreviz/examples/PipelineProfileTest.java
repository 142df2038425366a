package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The profiling harness names a bad size or path, with what is valid, before it starts. */
class PipelineProfileTest {

  @Test
  void aSizeTheBenchmarkDoesNotRenderIsNamedWithThoseItDoes() {
    assertThatThrownBy(() -> PipelineProfile.main(new String[] {"640x480", "reduced"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("size must be one of 800x600, 1200x900, 1600x1200, 2400x1600, not 640x480");
  }

  @Test
  void aPathOtherThanDefaultOrReducedIsNamed() {
    assertThatThrownBy(() -> PipelineProfile.main(new String[] {"800x600", "fast"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path must be default or reduced, not fast");
  }
}
