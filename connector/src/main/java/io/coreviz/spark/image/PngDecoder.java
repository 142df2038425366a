package io.coreviz.spark.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.IIOException;

/**
 * The PNGs photographs are stored as (8-bit grey, grey and alpha, RGB or RGBA, not interlaced),
 * decoded with one inflate straight into the image's buffer and unfiltered in place: about two
 * thirds of the JDK reader's time, which inflates through a stream and copies every row into its
 * raster. What is left is zlib's inflate and, for rows whose filter is Paeth (which encoders such
 * as libpng and Pillow pick for many rows of a photograph), about as much again to undo it. The
 * pixels are the file's own samples, as both Pillow and the JDK read them (PNG is lossless; neither
 * applies gAMA or iCCP). Anything else (palettes, other depths, interlacing, a transparent colour
 * (tRNS), which the JDK turns into an alpha channel, a file this reader finds damaged) is left to
 * ImageIO, so its errors and rarer layouts read as ImageIO's; only a header claiming more pixels
 * than the file can hold is reported here, before any buffer of that size is allocated.
 */
public final class PngDecoder {

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454e44;
  private static final int PLTE = 0x504c5445;
  private static final int TRNS = 0x74524e53;
  private static final long MAX_INFLATION = 1032;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW_SEVEN = 0x7f7f7f7f7f7f7f7fL;

  private PngDecoder() {}

  private static boolean isPng(byte[] bytes) {
    if (bytes.length < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (bytes[i] != SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The image, or null when {@code png} is not a PNG this reader takes (ImageIO then decides). The
   * image's buffer keeps each row's filter byte: rows are {@code 1 + width * channels} bytes apart,
   * its samples in R, G, B, A order.
   */
  public static BufferedImage read(byte[] png) throws IIOException {
    if (!isPng(png) || png.length < 33 || int32(png, 8) != 13 || int32(png, 12) != IHDR) {
      return null;
    }
    int width = int32(png, 16);
    int height = int32(png, 20);
    int channels = channels(png[25]);
    boolean supported =
        png[24] == 8 && channels > 0 && png[26] == 0 && png[27] == 0 && png[28] == 0;
    long size = (long) height * (1 + (long) width * channels);
    if (!supported || width <= 0 || height <= 0 || size > Integer.MAX_VALUE - 16) {
      return null;
    }
    if (size > MAX_INFLATION * png.length) {
      // Deflate expands at most 1032-fold: no buffer (here or in ImageIO) for pixels not there.
      throw new IIOException(
          "its PNG header claims %d x %d pixels, more than its %d bytes hold"
              .formatted(width, height, png.length));
    }
    // One byte to spare: the inflater reaches the stream's end only with room left to write.
    byte[] rows = new byte[(int) size + 1];
    try {
      if (inflate(png, rows) != size || !unfilter(rows, width * channels, height, channels)) {
        return null;
      }
    } catch (DataFormatException e) {
      return null;
    }
    return image(rows, width, height, channels);
  }

  /** 1, 2, 3 or 4 for grey, grey and alpha, RGB and RGBA; 0 for any other colour type. */
  private static int channels(byte colourType) {
    return switch (colourType) {
      case 0 -> 1;
      case 4 -> 2;
      case 2 -> 3;
      case 6 -> 4;
      default -> 0;
    };
  }

  /**
   * Every IDAT chunk's data inflated into {@code rows}: the bytes inflated, or -1 if the stream
   * does not end there or a chunk is damaged or unknown.
   */
  private static int inflate(byte[] png, byte[] rows) throws DataFormatException {
    Inflater inflater = new Inflater();
    try {
      int filled = 0;
      int chunk = 33;
      while (chunk + 12 <= png.length) {
        int length = int32(png, chunk);
        int type = int32(png, chunk + 4);
        int data = chunk + 8;
        if (length < 0 || length > png.length - data - 4) {
          return -1;
        }
        if (type == IEND) {
          break;
        }
        if (type == IDAT) {
          inflater.setInput(png, data, length);
          while (!inflater.needsInput() && !inflater.finished()) {
            int inflated = inflater.inflate(rows, filled, rows.length - filled);
            filled += inflated;
            if (inflated == 0 && (filled == rows.length || inflater.needsDictionary())) {
              return -1; // more data than the image holds, or a preset dictionary
            }
          }
        } else if (isCritical(type) && type != PLTE) {
          return -1; // a chunk this reader does not know but must not ignore
        } else if (type == TRNS) {
          return -1; // the JDK reads a transparent colour as an alpha channel: left to it
        }
        chunk = data + length + 4;
      }
      return inflater.finished() ? filled : -1;
    } finally {
      inflater.end();
    }
  }

  private static boolean isCritical(int type) {
    return (type & 0x20000000) == 0;
  }

  /**
   * Undoes each row's filter in place (PNG's None, Sub, Up, Average and Paeth); the row above the
   * first is zeros. False on an unknown filter type.
   */
  private static boolean unfilter(byte[] rows, int rowBytes, int height, int bpp) {
    int stride = rowBytes + 1;
    for (int y = 0; y < height; y++) {
      int row = y * stride + 1;
      int above = row - stride;
      boolean first = y == 0;
      switch (rows[row - 1]) {
        case 0 -> {}
        case 1 -> sub(rows, row, rowBytes, bpp);
        case 2 -> {
          if (!first) {
            up(rows, row, above, rowBytes);
          }
        }
        case 3 -> average(rows, row, above, rowBytes, bpp, first);
        case 4 -> {
          if (first) {
            sub(rows, row, rowBytes, bpp); // Paeth of a left pixel and zeros above is the left
          } else {
            paeth(rows, row, above, rowBytes, bpp);
          }
        }
        default -> {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Each byte plus the same channel's byte of the pixel to its left, channel by channel: a running
   * sum in a register, where reading back the byte just written waits for the store.
   */
  private static void sub(byte[] rows, int row, int rowBytes, int bpp) {
    int end = row + rowBytes;
    for (int channel = row; channel < row + bpp; channel++) {
      int sum = rows[channel];
      for (int i = channel + bpp; i < end; i += bpp) {
        sum += rows[i];
        rows[i] = (byte) sum;
      }
    }
  }

  /** Adds the row above byte by byte, eight bytes to a long add (no carry between bytes). */
  private static void up(byte[] rows, int row, int above, int rowBytes) {
    int i = 0;
    for (; i + Long.BYTES <= rowBytes; i += Long.BYTES) {
      long a = (long) LONGS.get(rows, row + i);
      long b = (long) LONGS.get(rows, above + i);
      LONGS.set(rows, row + i, ((a & LOW_SEVEN) + (b & LOW_SEVEN)) ^ ((a ^ b) & ~LOW_SEVEN));
    }
    for (; i < rowBytes; i++) {
      rows[row + i] += rows[above + i];
    }
  }

  private static void average(
      byte[] rows, int row, int above, int rowBytes, int bpp, boolean first) {
    for (int i = 0; i < rowBytes; i++) {
      int left = i >= bpp ? rows[row + i - bpp] & 0xff : 0;
      int up = first ? 0 : rows[above + i] & 0xff;
      rows[row + i] += (byte) ((left + up) >>> 1);
    }
  }

  /**
   * Paeth's predictor without branches: each pick is a mask, since photographs' picks are random.
   */
  private static void paeth(byte[] rows, int row, int above, int rowBytes, int bpp) {
    for (int i = 0; i < bpp; i++) {
      rows[row + i] += rows[above + i]; // no left pixel: the nearest of zero, up and zero is up
    }
    for (int i = bpp; i < rowBytes; i++) {
      int left = rows[row + i - bpp] & 0xff;
      int up = rows[above + i] & 0xff;
      int upLeft = rows[above + i - bpp] & 0xff;
      int toLeft = Math.abs(up - upLeft);
      int toUp = Math.abs(left - upLeft);
      int toUpLeft = Math.abs(left + up - 2 * upLeft);
      int upLeftNearer = (toUpLeft - toUp) >> 31; // -1 where up-left is nearer than up
      int second = (up & ~upLeftNearer) | (upLeft & upLeftNearer);
      int notLeft = ((toUp - toLeft) | (toUpLeft - toLeft)) >> 31; // -1 where another is nearer
      rows[row + i] += (byte) ((left & ~notLeft) | (second & notLeft));
    }
  }

  /**
   * The rows as an sRGB or grey image over the same bytes, each row past its filter byte: the band
   * offsets skip it (the JDK's byte rasters ignore a data buffer's own offset when they read pixels
   * for {@code getRGB}, so it cannot).
   */
  private static BufferedImage image(byte[] rows, int width, int height, int channels) {
    int[] bandOffsets = new int[channels];
    for (int band = 0; band < channels; band++) {
      bandOffsets[band] = 1 + band;
    }
    PixelInterleavedSampleModel model =
        new PixelInterleavedSampleModel(
            DataBuffer.TYPE_BYTE, width, height, channels, 1 + width * channels, bandOffsets);
    DataBufferByte buffer = new DataBufferByte(rows, rows.length);
    boolean alpha = channels % 2 == 0;
    ComponentColorModel colours =
        new ComponentColorModel(
            ColorSpace.getInstance(channels < 3 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB),
            alpha,
            false,
            alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    return new BufferedImage(
        colours, Raster.createWritableRaster(model, buffer, null), false, null);
  }

  private static int int32(byte[] bytes, int at) {
    return (bytes[at] & 0xff) << 24
        | (bytes[at + 1] & 0xff) << 16
        | (bytes[at + 2] & 0xff) << 8
        | (bytes[at + 3] & 0xff);
  }
}
