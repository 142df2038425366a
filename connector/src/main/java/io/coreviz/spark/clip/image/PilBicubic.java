package io.coreviz.spark.clip.image;

import io.coreviz.spark.image.InterleavedPixels;

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
 */
final class PilBicubic {

  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final double SUPPORT = 2.0;

  private PilBicubic() {}

  /**
   * The {@code crop × crop} window at ({@code left}, {@code top}) of {@code source} resized to
   * {@code outWidth × outHeight}, as interleaved RGB bytes.
   */
  static byte[] resizedCrop(
      InterleavedPixels source, int outWidth, int outHeight, int left, int top, int crop) {
    // Pillow skips a pass whose size does not change; it then copies the pixels as they are.
    boolean horizontal = outWidth != source.width();
    boolean vertical = outHeight != source.height();
    Coefficients rows = vertical ? Coefficients.of(source.height(), outHeight) : null;
    int first = vertical ? rows.bounds[2 * top] : top;
    int last =
        vertical
            ? rows.bounds[2 * (top + crop - 1)] + rows.bounds[2 * (top + crop - 1) + 1]
            : top + crop;
    byte[] columns =
        horizontal
            ? horizontalPass(
                source, first, last, left, crop, Coefficients.of(source.width(), outWidth))
            : copyColumns(source, first, last, left, crop);
    return vertical ? verticalPass(columns, first, top, crop, rows) : columns;
  }

  /**
   * Source rows {@code [first, last)}, resized across, only output columns {@code [left, +crop)}.
   */
  private static byte[] horizontalPass(
      InterleavedPixels source, int first, int last, int left, int crop, Coefficients c) {
    byte[] in = source.data();
    int stride = source.pixelStride();
    int red = source.red();
    int green = source.green();
    int blue = source.blue();
    int rowBytes = source.rowStride();
    int[] fixed = c.fixed;
    int[] bounds = c.bounds;
    byte[] out = new byte[3 * crop * (last - first)];
    int o = 0;
    for (int y = first; y < last; y++) {
      int rowBase = y * rowBytes;
      for (int x = left; x < left + crop; x++) {
        int count = bounds[2 * x + 1];
        int k = x * c.size;
        int p = rowBase + stride * bounds[2 * x];
        int r = HALF;
        int g = HALF;
        int b = HALF;
        for (int i = 0; i < count; i++, p += stride) {
          int w = fixed[k + i];
          r += (in[p + red] & 0xff) * w;
          g += (in[p + green] & 0xff) * w;
          b += (in[p + blue] & 0xff) * w;
        }
        out[o++] = clip8(r);
        out[o++] = clip8(g);
        out[o++] = clip8(b);
      }
    }
    return out;
  }

  private static byte[] copyColumns(
      InterleavedPixels source, int first, int last, int left, int crop) {
    byte[] in = source.data();
    int stride = source.pixelStride();
    byte[] out = new byte[3 * crop * (last - first)];
    int o = 0;
    for (int y = first; y < last; y++) {
      int p = y * source.rowStride() + stride * left;
      for (int x = 0; x < crop; x++, p += stride) {
        out[o++] = in[p + source.red()];
        out[o++] = in[p + source.green()];
        out[o++] = in[p + source.blue()];
      }
    }
    return out;
  }

  /**
   * Output rows {@code [top, +crop)} from {@code in}, whose first row is source row {@code first}:
   * each tap adds a whole row at once, a loop the JIT vectorises.
   */
  private static byte[] verticalPass(byte[] in, int first, int top, int crop, Coefficients c) {
    int rowBytes = 3 * crop;
    byte[] out = new byte[rowBytes * crop];
    int[] sums = new int[rowBytes];
    for (int y = 0; y < crop; y++) {
      int min = c.bounds[2 * (top + y)] - first;
      int count = c.bounds[2 * (top + y) + 1];
      int k = (top + y) * c.size;
      java.util.Arrays.fill(sums, HALF);
      for (int i = 0; i < count; i++) {
        int w = c.fixed[k + i];
        int base = (min + i) * rowBytes;
        for (int x = 0; x < rowBytes; x++) {
          sums[x] += (in[base + x] & 0xff) * w;
        }
      }
      int o = y * rowBytes;
      for (int x = 0; x < rowBytes; x++) {
        out[o + x] = clip8(sums[x]);
      }
    }
    return out;
  }

  private static byte clip8(int value) {
    int shifted = value >> PRECISION_BITS;
    return (byte) (shifted < 0 ? 0 : Math.min(shifted, 255));
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
