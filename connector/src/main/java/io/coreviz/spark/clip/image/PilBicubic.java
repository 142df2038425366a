package io.coreviz.spark.clip.image;

import io.coreviz.spark.image.InterleavedPixels;
import java.util.Arrays;

/**
 * Pillow's bicubic resize ({@code Image.resize(size, Image.BICUBIC)}), ported from its {@code
 * Resample.c} so that images reach the model with the very bytes CLIP was trained and evaluated on:
 * the filter widens with the downscale factor (antialiasing), coefficients are 22-bit fixed point,
 * and the horizontal pass is rounded to 8 bits before the vertical one.
 *
 * <p>Only the pixels of the centre crop are computed: each output pixel of Pillow's resize depends
 * on its own window of source pixels, so the crop of the full resize and the resize of only the
 * crop's pixels are the same bytes, at a fraction of the work. The source is read in its decoder's
 * own layout (BGR, ABGR, RGB or grey bytes), with no copy to RGB first.
 *
 * <p>Both passes add each tap's weighted values to whole arrays of sums, a loop the JIT turns into
 * vector instructions; integer sums do not depend on their order, so the bytes are Pillow's.
 */
final class PilBicubic {

  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final double SUPPORT = 2.0;

  private PilBicubic() {}

  /**
   * The {@code crop × crop} window at ({@code left}, {@code top}) of {@code source} resized to
   * {@code outWidth × outHeight}, as interleaved RGB bytes in {@code workspace}'s crop buffer.
   */
  static byte[] resizedCrop(
      InterleavedPixels source,
      int outWidth,
      int outHeight,
      int left,
      int top,
      int crop,
      Workspace workspace) {
    // Pillow skips a pass whose size does not change; it then copies the pixels as they are.
    boolean horizontal = outWidth != source.width();
    boolean vertical = outHeight != source.height();
    Coefficients across = horizontal ? Coefficients.of(source.width(), outWidth) : null;
    Coefficients down = vertical ? Coefficients.of(source.height(), outHeight) : null;
    int first = vertical ? down.bounds[2 * top] : top;
    int last =
        vertical
            ? down.bounds[2 * (top + crop - 1)] + down.bounds[2 * (top + crop - 1) + 1]
            : top + crop;
    int rowInts = 3 * crop;
    byte[] out = workspace.crop(rowInts * crop);
    int[][] sums = vertical ? workspace.sums(crop, rowInts) : null;
    if (vertical) {
      for (int y = 0; y < crop; y++) {
        Arrays.fill(sums[y], HALF);
      }
    }
    int[][] block = workspace.block(BLOCK, rowInts);
    for (int start = first; start < last; start += BLOCK) {
      int rows = Math.min(BLOCK, last - start);
      if (horizontal) {
        horizontalPass(source, start, rows, left, crop, across, block, workspace);
      } else {
        copyColumns(source, start, rows, left, crop, block);
      }
      if (vertical) {
        verticalPass(block, start, rows, top, crop, down, sums);
      } else {
        for (int r = 0, o = (start - first) * rowInts; r < rows; r++) {
          for (int value : block[r]) {
            out[o++] = (byte) value; // 8-bit already
          }
        }
      }
    }
    if (vertical) {
      for (int y = 0, o = 0; y < crop; y++) {
        for (int sum : sums[y]) {
          out[o++] = (byte) clip8(sum);
        }
      }
    }
    return out;
  }

  /**
   * Rows the horizontal pass resizes at once: each source column holds their samples side by side,
   * 192 ints, so that each tap adds whole vectors; the vertical pass then adds the block's rows to
   * the crop's sums while they are still in the cache.
   */
  private static final int BLOCK = 64;

  /**
   * Source rows {@code [start, +rows)}, resized across, only output columns {@code [left, +crop)},
   * into {@code out}: one row of 8-bit values (as ints) per source row. Each of the block's source
   * columns is laid out as one array of the block's rows' red, green and blue, and an output column
   * is the weighted sum of its taps' arrays, every row of the block in one loop the JIT vectorises.
   * The sums are Pillow's, term for term.
   */
  private static void horizontalPass(
      InterleavedPixels source,
      int start,
      int rows,
      int left,
      int crop,
      Coefficients c,
      int[][] out,
      Workspace workspace) {
    byte[] in = source.data();
    int stride = source.pixelStride();
    int red = source.red();
    int green = source.green();
    int blue = source.blue();
    int[] fixed = c.fixed;
    int[] bounds = c.bounds;
    int from = bounds[2 * left];
    int to = from;
    for (int x = left; x < left + crop; x++) {
      to = Math.max(to, bounds[2 * x] + bounds[2 * x + 1]);
    }
    int lanes = 3 * BLOCK;
    int[][] columns = workspace.columns(to - from, lanes);
    int[] sums = workspace.lanes(lanes);
    // Column by column: the block's rows stay in the cache while a column is filled in order.
    int p0 = start * source.rowStride() + stride * from;
    for (int i = 0; i < to - from; i++, p0 += stride) {
      int[] column = columns[i];
      for (int r = 0, p = p0; r < rows; r++, p += source.rowStride()) {
        column[3 * r] = in[p + red] & 0xff;
        column[3 * r + 1] = in[p + green] & 0xff;
        column[3 * r + 2] = in[p + blue] & 0xff;
      }
    }
    for (int x = left; x < left + crop; x++) {
      Arrays.fill(sums, HALF);
      int count = bounds[2 * x + 1];
      int k = x * c.size;
      int min = bounds[2 * x] - from;
      for (int i = 0; i < count; i++) {
        addScaled(sums, columns[min + i], fixed[k + i], lanes);
      }
      int o = 3 * (x - left);
      for (int r = 0; r < rows; r++) {
        int[] row = out[r];
        row[o] = clip8(sums[3 * r]);
        row[o + 1] = clip8(sums[3 * r + 1]);
        row[o + 2] = clip8(sums[3 * r + 2]);
      }
    }
  }

  /**
   * {@code sums[i] += values[i] * weight} for {@code i < length}: the same index on both sides, so
   * the JIT vectorises it even though the two arrays could be one.
   */
  private static void addScaled(int[] sums, int[] values, int weight, int length) {
    for (int i = 0; i < length; i++) {
      sums[i] += values[i] * weight;
    }
  }

  private static void copyColumns(
      InterleavedPixels source, int start, int rows, int left, int crop, int[][] out) {
    byte[] in = source.data();
    int stride = source.pixelStride();
    for (int r = 0; r < rows; r++) {
      int[] row = out[r];
      int p = (start + r) * source.rowStride() + stride * left;
      for (int x = 0, o = 0; x < crop; x++, p += stride) {
        row[o++] = in[p + source.red()] & 0xff;
        row[o++] = in[p + source.green()] & 0xff;
        row[o++] = in[p + source.blue()] & 0xff;
      }
    }
  }

  /**
   * Adds source rows {@code [start, +rows)} (already resized across, in {@code block}) to the sums
   * of the output rows {@code [top, +crop)} whose taps they are: each tap adds a whole row at once.
   * Integer sums do not depend on their order, so adding a row's taps block by block gives Pillow's
   * sums.
   */
  private static void verticalPass(
      int[][] block, int start, int rows, int top, int crop, Coefficients c, int[][] sums) {
    int end = start + rows;
    for (int y = 0; y < crop; y++) {
      int min = c.bounds[2 * (top + y)];
      int max = min + c.bounds[2 * (top + y) + 1];
      if (max <= start) {
        continue;
      }
      if (min >= end) {
        break; // windows only move down
      }
      int k = (top + y) * c.size - min;
      for (int j = Math.max(min, start); j < Math.min(max, end); j++) {
        addScaled(sums[y], block[j - start], c.fixed[k + j], sums[y].length);
      }
    }
  }

  /** A fixed-point sum to its 8-bit value, clamped to 0..255. */
  private static int clip8(int value) {
    int shifted = value >> PRECISION_BITS;
    return shifted < 0 ? 0 : Math.min(shifted, 255);
  }

  private static double bicubic(double x) {
    double a = -0.5;
    x = Math.abs(x);
    if (x < 1.0) {
      return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    }
    if (x < 2.0) {
      return (((x - 5) * x + 8) * x - 4) * a;
    }
    return 0.0;
  }

  /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
  private record Coefficients(int size, int[] bounds, int[] fixed) {

    static Coefficients of(int inSize, int outSize) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = SUPPORT * filterScale;
      int size = (int) Math.ceil(support) * 2 + 1;
      int[] bounds = new int[2 * outSize];
      int[] fixed = new int[outSize * size];
      double[] k = new double[size];
      for (int xx = 0; xx < outSize; xx++) {
        double center = (xx + 0.5) * scale;
        double sum = 0.0;
        double ss = 1.0 / filterScale;
        int min = Math.max((int) (center - support + 0.5), 0);
        int max = Math.min((int) (center + support + 0.5), inSize) - min;
        for (int x = 0; x < max; x++) {
          k[x] = bicubic((x + min - center + 0.5) * ss);
          sum += k[x];
        }
        for (int x = 0; x < max; x++) {
          double w = sum != 0.0 ? k[x] / sum : k[x];
          fixed[xx * size + x] =
              (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
        }
        bounds[2 * xx] = min;
        bounds[2 * xx + 1] = max;
      }
      return new Coefficients(size, bounds, fixed);
    }
  }
}
