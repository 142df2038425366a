package io.coreviz.spark.clip.image;

import io.coreviz.spark.image.RgbCanvas;

/**
 * The buffers preprocessing reuses from one image to the next: the decoded JPEG, the resize's sums,
 * the crop's bytes and the normalisation's tables. Without one, each image allocates them afresh, a
 * MB or more that the collector must clear and a new executor's heap must page in. Not thread-safe:
 * one per thread.
 */
public final class Workspace {

  private int[][] columns = new int[0][];
  private int[][] block = new int[0][];
  private int[][] sums = new int[0][];
  private int[] lanes = new int[0];
  private byte[] crop = new byte[0];
  private ImagePreprocessor tablesOf;
  private float[][] tables;
  private final RgbCanvas canvas = new RgbCanvas();

  /** Where JPEGs are decoded. */
  RgbCanvas canvas() {
    return canvas;
  }

  /** {@code preprocessor}'s normalisation tables, computed once per preprocessor. */
  float[][] tables(ImagePreprocessor preprocessor) {
    if (!preprocessor.equals(tablesOf)) {
      tables = preprocessor.tables();
      tablesOf = preprocessor;
    }
    return tables;
  }

  /** At least {@code count} arrays of {@code length} ints, contents undefined. */
  int[][] columns(int count, int length) {
    columns = grown(columns, count, length);
    return columns;
  }

  /** At least {@code count} arrays of {@code length} ints, contents undefined. */
  int[][] block(int count, int length) {
    block = grown(block, count, length);
    return block;
  }

  /** At least {@code count} arrays of {@code length} ints, contents undefined. */
  int[][] sums(int count, int length) {
    sums = grown(sums, count, length);
    return sums;
  }

  /** {@code length} ints, contents undefined. */
  int[] lanes(int length) {
    if (lanes.length != length) {
      lanes = new int[length];
    }
    return lanes;
  }

  /** {@code length} bytes, contents undefined. */
  byte[] crop(int length) {
    if (crop.length != length) {
      crop = new byte[length];
    }
    return crop;
  }

  /** {@code arrays} with at least {@code count} arrays, each exactly {@code length} long. */
  private static int[][] grown(int[][] arrays, int count, int length) {
    if (arrays.length > 0 && arrays[0].length != length) {
      arrays = new int[0][];
    }
    if (arrays.length >= count) {
      return arrays;
    }
    int[][] more = java.util.Arrays.copyOf(arrays, count);
    for (int i = arrays.length; i < count; i++) {
      more[i] = new int[length];
    }
    return more;
  }
}
