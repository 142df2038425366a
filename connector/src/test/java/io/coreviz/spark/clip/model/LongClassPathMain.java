package io.coreviz.spark.clip.model;

import java.nio.file.Paths;
import java.util.List;

/**
 * Run in a child JVM by OnnxRuntimeStartTest: load a model through the per-JVM cache, as the scorer
 * does, and embed a text on the main thread; print what went wrong, if anything.
 */
public final class LongClassPathMain {

  private LongClassPathMain() {}

  public static void main(String[] args) {
    try {
      ClipModel model =
          ClipModels.get(new ModelSpec(Paths.get(args[0]).toString(), 1, false, null));
      System.out.println("embedded " + model.embedTexts(List.of("a photo of a cat"))[0].length);
    } catch (RuntimeException | LinkageError e) {
      System.out.println("failed: " + e);
    }
  }
}
