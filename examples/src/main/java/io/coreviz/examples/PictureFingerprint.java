package io.coreviz.examples;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * What the near-duplicate check compares of a picture: a 64-bit perceptual hash of its grey levels
 * and its colour layout, both from the mean colours of a grid of cells, taken in one pass over the
 * pixels.
 *
 * @param hash the perceptual hash (pHash): the picture in 32x32 grey levels, its 2-D DCT, and one
 *     bit per low frequency of the top-left 8x8 (the constant term left out), above their median or
 *     not. Re-encoding, resizing and slight crops move few bits; other pictures differ in about
 *     half
 * @param colors the mean red, green and blue of each cell of a 4x4 grid (48 bytes): the hash sees
 *     only grey levels, so two pictures of one layout in other colours share a hash but not this
 */
record PictureFingerprint(long hash, byte[] colors) {

  private static final int HASH_CELLS = 32;
  private static final int COLOR_CELLS = 4;

  static PictureFingerprint of(BufferedImage image) {
    long[] sums = cellSums(image, HASH_CELLS);
    return new PictureFingerprint(hash(sums), colors(sums));
  }

  private static long hash(long[] sums) {
    int size = HASH_CELLS;
    double[][] pixels = new double[size][size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int cell = (y * size + x) * 4;
        double count = Math.max(1, sums[cell + 3]);
        pixels[y][x] =
            0.299 * (sums[cell] / count)
                + 0.587 * (sums[cell + 1] / count)
                + 0.114 * (sums[cell + 2] / count);
      }
    }
    double[][] dct = dct(dct(pixels, size), size); // rows, then (transposed) columns
    double[] low = new double[64];
    for (int v = 0; v < 8; v++) {
      for (int u = 0; u < 8; u++) {
        low[v * 8 + u] = dct[v][u];
      }
    }
    double[] sorted = Arrays.copyOfRange(low, 1, 64);
    Arrays.sort(sorted);
    double median = sorted[sorted.length / 2];
    long hash = 0;
    for (int i = 1; i < 64; i++) {
      if (low[i] > median) {
        hash |= 1L << i;
      }
    }
    return hash;
  }

  /** The 1-D DCT-II of each row of {@code in}, returned transposed (so twice gives the 2-D DCT). */
  private static double[][] dct(double[][] in, int n) {
    double[][] out = new double[n][n];
    for (int row = 0; row < n; row++) {
      for (int k = 0; k < n; k++) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
          sum += in[row][i] * Math.cos(Math.PI / n * (i + 0.5) * k);
        }
        out[k][row] = sum;
      }
    }
    return out;
  }

  /**
   * The 4x4 grid's means from the 32x32 grid's sums: pixel row y is in row {@code y * 32 / height}
   * of the fine grid and {@code y * 4 / height} of the coarse one, which is the fine row divided by
   * 8 (floor of a floor), so each coarse cell is exactly 8x8 fine cells.
   */
  private static byte[] colors(long[] sums) {
    int cells = COLOR_CELLS;
    int block = HASH_CELLS / cells;
    byte[] colors = new byte[cells * cells * 3];
    for (int y = 0; y < cells; y++) {
      for (int x = 0; x < cells; x++) {
        long[] cell = new long[4];
        for (int fy = y * block; fy < (y + 1) * block; fy++) {
          for (int fx = x * block; fx < (x + 1) * block; fx++) {
            for (int c = 0; c < 4; c++) {
              cell[c] += sums[(fy * HASH_CELLS + fx) * 4 + c];
            }
          }
        }
        for (int c = 0; c < 3; c++) {
          colors[(y * cells + x) * 3 + c] =
              (byte) Math.round((double) cell[c] / Math.max(1, cell[3]));
        }
      }
    }
    return colors;
  }

  /**
   * The sums of red, green and blue (as {@link BufferedImage#getRGB} gives them) and the count of
   * pixels of each cell of a {@code cells}x{@code cells} grid, four longs per cell, row by row.
   * Pictures whose pixels are 8-bit sRGB bytes (what the JPEG and PNG decoders give for colour
   * pictures) are read from their bytes; others through {@code getRGB}, a row at a time.
   */
  static long[] cellSums(BufferedImage image, int cells) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] column = new int[width];
    for (int x = 0; x < width; x++) {
      column[x] = (int) ((long) x * cells / width);
    }
    long[] sums = new long[cells * cells * 4];
    int[] offsets = srgbByteOffsets(image);
    Raster raster = image.getRaster();
    byte[] data = offsets == null ? null : ((DataBufferByte) raster.getDataBuffer()).getData();
    int[] rgb = offsets == null ? new int[width] : null;
    for (int y = 0; y < height; y++) {
      int rowBase = (int) ((long) y * cells / height) * cells * 4;
      if (offsets != null) {
        int pixelStride = offsets[3];
        int at = y * offsets[4];
        for (int x = 0; x < width; x++, at += pixelStride) {
          int cell = rowBase + column[x] * 4;
          sums[cell] += data[at + offsets[0]] & 0xFF;
          sums[cell + 1] += data[at + offsets[1]] & 0xFF;
          sums[cell + 2] += data[at + offsets[2]] & 0xFF;
          sums[cell + 3]++;
        }
      } else {
        image.getRGB(0, y, width, 1, rgb, 0, width);
        for (int x = 0; x < width; x++) {
          int cell = rowBase + column[x] * 4;
          sums[cell] += (rgb[x] >> 16) & 0xFF;
          sums[cell + 1] += (rgb[x] >> 8) & 0xFF;
          sums[cell + 2] += rgb[x] & 0xFF;
          sums[cell + 3]++;
        }
      }
    }
    return sums;
  }

  /** Whether {@link #cellSums} reads the picture's bytes (else it goes through {@code getRGB}). */
  static boolean readsBytes(BufferedImage image) {
    return srgbByteOffsets(image) != null;
  }

  /**
   * Where red, green and blue are in each pixel's bytes, then the pixel and row strides, when
   * {@code getRGB} would return those bytes unchanged (8-bit sRGB components, interleaved in one
   * byte array that starts at the picture's first pixel, alpha not premultiplied); else null.
   */
  private static int[] srgbByteOffsets(BufferedImage image) {
    Raster raster = image.getRaster();
    if (!(image.getColorModel() instanceof ComponentColorModel model)
        || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel sampleModel)
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer)) {
      return null;
    }
    boolean plain =
        model.getColorSpace().isCS_sRGB()
            && model.getColorSpace().getType() == ColorSpace.TYPE_RGB
            && !model.isAlphaPremultiplied()
            && Arrays.stream(model.getComponentSize()).allMatch(bits -> bits == 8)
            && buffer.getNumBanks() == 1
            && buffer.getOffset() == 0
            && raster.getSampleModelTranslateX() == 0
            && raster.getSampleModelTranslateY() == 0
            && sampleModel.getNumBands() >= 3;
    if (!plain) {
      return null;
    }
    int[] bands = sampleModel.getBandOffsets();
    return new int[] {
      bands[0], bands[1], bands[2], sampleModel.getPixelStride(), sampleModel.getScanlineStride()
    };
  }
}
