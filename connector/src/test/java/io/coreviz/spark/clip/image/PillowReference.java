package io.coreviz.spark.clip.image;

import java.awt.image.BufferedImage;

/**
 * The reference the preprocessing is compared with: Pillow's bicubic resize of the whole image,
 * then the centre crop and the per-pixel normalisation, each written the plain way (a line-by-line
 * port of Pillow's {@code Resample.c}, as the preprocessing was before it computed only the crop's
 * pixels and read decoders' layouts in place; it matched Pillow's golden values the same way).
 */
final class PillowReference {

  private static final int PRECISION_BITS = 32 - 8 - 2;
  private static final double SUPPORT = 2.0;

  private PillowReference() {}

  /** CHW floats of {@code image} the plain way: RGB copy, full resize, crop, normalise. */
  static float[] preprocess(BufferedImage image, int size, int crop, float[] mean, float[] std) {
    return preprocess(rgb(image), image.getWidth(), image.getHeight(), size, crop, mean, std);
  }

  /** {@code image}'s samples as Pillow reads them: red, green, blue, pixel after pixel. */
  static byte[] rgb(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] rgb = new byte[3 * width * height];
    boolean grey =
        image.getColorModel().getNumColorComponents() == 1
            && !(image.getColorModel() instanceof java.awt.image.IndexColorModel)
            && image.getRaster().getSampleModel().getSampleSize(0) == 8;
    for (int y = 0, p = 0; y < height; y++) {
      for (int x = 0; x < width; x++, p += 3) {
        // Pillow reads grey samples as they are (getRGB would convert them from linear grey).
        int argb = grey ? image.getRaster().getSample(x, y, 0) * 0x010101 : image.getRGB(x, y);
        rgb[p] = (byte) (argb >> 16);
        rgb[p + 1] = (byte) (argb >> 8);
        rgb[p + 2] = (byte) argb;
      }
    }
    return rgb;
  }

  /** CHW floats of the {@code width × height} image {@code rgb} (as {@link #rgb} gives it). */
  static float[] preprocess(
      byte[] rgb, int width, int height, int size, int crop, float[] mean, float[] std) {
    int resizedLong = (int) ((double) size * Math.max(width, height) / Math.min(width, height));
    int outWidth = width <= height ? size : resizedLong;
    int outHeight = width <= height ? resizedLong : size;
    if (outWidth != width || outHeight != height) {
      rgb = resize(rgb, width, height, outWidth, outHeight);
    }
    int top = (int) Math.rint((outHeight - crop) / 2.0);
    int left = (int) Math.rint((outWidth - crop) / 2.0);
    float[] out = new float[3 * crop * crop];
    int plane = crop * crop;
    for (int y = 0; y < crop; y++) {
      for (int x = 0; x < crop; x++) {
        int p = 3 * ((top + y) * outWidth + left + x);
        for (int c = 0; c < 3; c++) {
          out[c * plane + y * crop + x] = ((rgb[p + c] & 0xff) / 255f - mean[c]) / std[c];
        }
      }
    }
    return out;
  }

  /**
   * Resizes an interleaved RGB image ({@code 3 * width * height} bytes as unsigned values).
   *
   * @return the resized image, interleaved RGB, {@code 3 * outWidth * outHeight}
   */
  static byte[] resize(byte[] rgb, int width, int height, int outWidth, int outHeight) {
    boolean horizontal = outWidth != width;
    boolean vertical = outHeight != height;
    Coefficients columns = Coefficients.of(width, outWidth);
    Coefficients rows = Coefficients.of(height, outHeight);
    byte[] image = rgb;
    int imageWidth = width;
    int rowOffset = 0;
    int[] rowBounds = rows.bounds.clone();
    if (horizontal) {
      // Only the source rows the vertical pass reads.
      int first = rowBounds[0];
      int last = rowBounds[2 * outHeight - 2] + rowBounds[2 * outHeight - 1];
      if (vertical) {
        for (int i = 0; i < outHeight; i++) {
          rowBounds[2 * i] -= first;
        }
        rowOffset = first;
      } else {
        first = 0;
        last = height;
      }
      image = horizontalPass(image, width, first, last - first, outWidth, columns);
      imageWidth = outWidth;
    }
    if (vertical) {
      image = verticalPass(image, imageWidth, outHeight, rows, rowBounds);
    }
    return image == rgb ? rgb.clone() : image;
  }

  private static byte[] horizontalPass(
      byte[] in, int width, int firstRow, int rowCount, int outWidth, Coefficients c) {
    byte[] out = new byte[3 * outWidth * rowCount];
    int half = 1 << (PRECISION_BITS - 1);
    for (int y = 0; y < rowCount; y++) {
      int rowBase = 3 * width * (y + firstRow);
      int outBase = 3 * outWidth * y;
      for (int x = 0; x < outWidth; x++) {
        int min = c.bounds[2 * x];
        int count = c.bounds[2 * x + 1];
        int k = x * c.size;
        int r = half;
        int g = half;
        int b = half;
        for (int i = 0; i < count; i++) {
          int p = rowBase + 3 * (min + i);
          int w = c.fixed[k + i];
          r += (in[p] & 0xff) * w;
          g += (in[p + 1] & 0xff) * w;
          b += (in[p + 2] & 0xff) * w;
        }
        int o = outBase + 3 * x;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    return out;
  }

  private static byte[] verticalPass(
      byte[] in, int width, int outHeight, Coefficients c, int[] bounds) {
    byte[] out = new byte[3 * width * outHeight];
    int half = 1 << (PRECISION_BITS - 1);
    int stride = 3 * width;
    for (int y = 0; y < outHeight; y++) {
      int min = bounds[2 * y];
      int count = bounds[2 * y + 1];
      int k = y * c.size;
      for (int x = 0; x < stride; x++) {
        int sum = half;
        for (int i = 0; i < count; i++) {
          sum += (in[(min + i) * stride + x] & 0xff) * c.fixed[k + i];
        }
        out[y * stride + x] = clip8(sum);
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
