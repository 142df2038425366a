package io.coreviz.spark.clip;

import java.nio.file.Paths;
import java.util.List;

/** Run in a child JVM by OnnxRuntimeStartTest: load a model and embed a text on the main thread. */
public final class LongClassPathMain {

  private LongClassPathMain() {}

  public static void main(String[] args) {
    try (ClipModel model = ClipModel.load(Paths.get(args[0]), 1, false)) {
      System.out.println("embedded " + model.embedTexts(List.of("a photo of a cat"))[0].length);
    }
  }
}
