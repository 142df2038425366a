package io.coreviz.spark.image;

import java.awt.image.BufferedImage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An image reduced by a step as a JPEG decoder scaling in the DCT domain reduces it (Pillow's
 * {@code draft}, libjpeg-turbo): each pixel of the {@code ceil(width / step) × ceil(height / step)}
 * result is the rounded mean of the {@code step × step} block it stands for (at the right and
 * bottom edges, of the pixels the block has). Keeping one pixel per block instead, as the JDK's
 * decoder does when asked to subsample, aliases: fine lines and textures come out as other
 * patterns.
 */
final class BlockMeans {

  private BlockMeans() {}

  /**
   * {@code image} reduced by {@code step}, computed in its own buffer: the result is the top-left
   * corner of {@code image}, whose pixels are then overwritten. {@code image} itself, untouched,
   * where its samples are not 8-bit values interleaved in one array ({@link InterleavedPixels}).
   */
  static BufferedImage reduce(BufferedImage image, int step) {
    if (step > 256) {
      throw new IllegalArgumentException("step " + step + ": at most 256");
    }
    InterleavedPixels pixels = step > 1 ? InterleavedPixels.of(image) : null;
    if (pixels == null) {
      return image;
    }
    int width = pixels.width();
    int height = pixels.height();
    int outWidth = (width + step - 1) / step;
    int outHeight = (height + step - 1) / step;
    int bytes = pixels.pixelStride();
    int first = Math.min(Math.min(pixels.red(), pixels.green()), pixels.blue());
    if (pixels.alpha() >= 0) {
      first = Math.min(first, pixels.alpha());
    }
    byte[] data = pixels.data();
    int rowStride = pixels.rowStride();
    int rowBytes = bytes * width;
    int words = rowBytes / Long.BYTES;
    long[] evens = new long[words];
    long[] odds = new long[words];
    int[] columns = new int[rowBytes];
    for (int y = 0; y < outHeight; y++) {
      // The block's rows summed sample by sample, then each block's columns. Output row y is
      // written over source row y once it has been read, by this row of blocks or an earlier one.
      Arrays.fill(evens, 0);
      Arrays.fill(odds, 0);
      Arrays.fill(columns, 0);
      int rows = Math.min(step, height - y * step);
      for (int r = 0, p = first + y * step * rowStride; r < rows; r++, p += rowStride) {
        addRow(evens, odds, data, p);
        for (int i = words * Long.BYTES; i < rowBytes; i++) {
          columns[i] += data[p + i] & 0xff;
        }
      }
      unpack(evens, odds, columns);
      int whole = width / step;
      int o = first + y * rowStride;
      o =
          bytes == 3
              ? rgbBlocks(columns, whole, step, rows, data, o)
              : blocks(columns, 0, whole, step, rows, bytes, width, data, o);
      blocks(columns, whole, outWidth, step, rows, bytes, width, data, o);
    }
    return image.getSubimage(0, 0, outWidth, outHeight);
  }

  /**
   * Writes the means of blocks {@code [from, to)} of a row of blocks {@code rows} high, from {@code
   * columns} (its sums, sample by sample) to {@code data} at {@code o}; returns where the next
   * goes.
   */
  private static int blocks(
      int[] columns,
      int from,
      int to,
      int step,
      int rows,
      int bytes,
      int width,
      byte[] data,
      int o) {
    for (int x = from; x < to; x++) {
      int cols = Math.min(step, width - x * step);
      int count = rows * cols;
      for (int k = 0; k < bytes; k++) {
        int sum = count / 2;
        for (int c = 0, i = x * step * bytes + k; c < cols; c++, i += bytes) {
          sum += columns[i];
        }
        data[o++] = (byte) (sum / count);
      }
    }
    return o;
  }

  /**
   * As {@link #blocks} for three samples a pixel (RGB, BGR), the row's whole blocks: a loop a block
   * instead of one a sample, and, for a power-of-two block, a shift for the division (the divisions
   * cost more than the sums).
   */
  private static int rgbBlocks(int[] columns, int whole, int step, int rows, byte[] data, int o) {
    int count = rows * step;
    int shift = Integer.bitCount(count) == 1 ? Integer.numberOfTrailingZeros(count) : -1;
    for (int x = 0, i = 0; x < whole; x++, o += 3) {
      int s0 = count / 2;
      int s1 = s0;
      int s2 = s0;
      for (int c = 0; c < step; c++, i += 3) {
        s0 += columns[i];
        s1 += columns[i + 1];
        s2 += columns[i + 2];
      }
      if (shift >= 0) {
        data[o] = (byte) (s0 >> shift);
        data[o + 1] = (byte) (s1 >> shift);
        data[o + 2] = (byte) (s2 >> shift);
      } else {
        data[o] = (byte) (s0 / count);
        data[o + 1] = (byte) (s1 / count);
        data[o + 2] = (byte) (s2 / count);
      }
    }
    return o;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_BYTES = 0x00FF00FF00FF00FFL;

  /**
   * Adds a row's bytes, eight at a time, to sums in 16-bit lanes: the even bytes of each eight to
   * {@code evens}, the odd ones to {@code odds}. A lane holds up to 257 rows of 255.
   */
  private static void addRow(long[] evens, long[] odds, byte[] data, int from) {
    for (int i = 0; i < evens.length; i++) {
      long eight = (long) LONGS.get(data, from + Long.BYTES * i);
      evens[i] += eight & LOW_BYTES;
      odds[i] += (eight >>> 8) & LOW_BYTES;
    }
  }

  /** The lanes' sums, byte by byte of the row, into {@code columns}. */
  private static void unpack(long[] evens, long[] odds, int[] columns) {
    for (int i = 0, j = 0; i < evens.length; i++) {
      long even = evens[i];
      long odd = odds[i];
      for (int shift = 0; shift < Long.SIZE; shift += 16) {
        columns[j++] = (int) (even >>> shift) & 0xffff;
        columns[j++] = (int) (odd >>> shift) & 0xffff;
      }
    }
  }
}
