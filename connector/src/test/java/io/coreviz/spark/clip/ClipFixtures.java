package io.coreviz.spark.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The tiny CLIP-shaped models, images and golden values made by {@code
 * src/test/python/make_tiny_clip.py} (numpy and Pillow, independent of the code under test).
 */
public final class ClipFixtures {

  public static final Path ROOT = resource("/clip");
  public static final Path OPTIMUM = ROOT.resolve("optimum");
  public static final Path TRANSFORMERS_JS = ROOT.resolve("transformers-js");
  public static final Path IMAGES = ROOT.resolve("images");

  private ClipFixtures() {}

  public static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode golden(Path model) {
    return json(model.resolve("golden.json"));
  }

  public static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) array.get(i).asDouble();
    }
    return values;
  }

  public static byte[] image(String name) {
    try {
      return Files.readAllBytes(IMAGES.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path resource(String name) {
    try {
      return Paths.get(ClipFixtures.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
