package io.coreviz.spark.convert;

import io.coreviz.spark.errors.ConfigurationException;
import io.coreviz.spark.image.ImageReads;
import io.coreviz.spark.image.InterleavedPixels;
import io.coreviz.spark.image.PngDecoder;
import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Image bytes decoded into Spark's image struct ({@link MediaSchema#IMAGE_STRUCT}) as Spark's own
 * {@code image} source decodes files: {@code ImageIO} (PNGs as {@link PngDecoder} reads them and
 * JPEGs as {@link ImageReads} reads them, the same samples), then one byte per channel, row by row,
 * grey pictures as one channel (OpenCV type {@code CV_8UC1}), others as BGR ({@code CV_8UC3}) or
 * BGRA where the picture has alpha ({@code CV_8UC4}).
 */
public final class SparkImage {

  /** OpenCV types, as {@code ImageSchema.ocvTypes} names them. */
  static final int CV_8UC1 = 0;

  static final int CV_8UC3 = 16;
  static final int CV_8UC4 = 24;

  private SparkImage() {}

  /**
   * The decoder's own samples in the struct's order (grey; or blue, green, red and alpha): for
   * these layouts, the bytes {@link #decode}'s per-pixel reads give, without a call per pixel.
   */
  private static void copy(InterleavedPixels pixels, boolean grey, boolean alpha, byte[] data) {
    byte[] in = pixels.data();
    int stride = pixels.pixelStride();
    int channels = grey ? 1 : alpha ? 4 : 3;
    int rowBytes = pixels.width() * channels;
    // Grey bytes side by side, or blue, green and red in that order: whole rows.
    boolean asStored =
        grey
            ? stride == 1
            : !alpha
                && stride == 3
                && pixels.green() == pixels.blue() + 1
                && pixels.red() == pixels.blue() + 2;
    int first = grey ? pixels.red() : pixels.blue();
    for (int y = 0, at = 0; y < pixels.height(); y++) {
      int p = y * pixels.rowStride();
      if (asStored) {
        System.arraycopy(in, p + first, data, at, rowBytes);
        at += rowBytes;
        continue;
      }
      for (int x = 0; x < pixels.width(); x++, p += stride) {
        if (grey) {
          data[at++] = in[p + pixels.red()];
        } else {
          data[at++] = in[p + pixels.blue()];
          data[at++] = in[p + pixels.green()];
          data[at++] = in[p + pixels.red()];
          if (alpha) {
            data[at++] = in[p + pixels.alpha()];
          }
        }
      }
    }
  }

  /** The picture as a row of the image struct, or null where no decoder reads the bytes. */
  public static InternalRow decode(String origin, byte[] bytes) {
    BufferedImage image;
    try {
      image = ImageReads.decode(bytes, (w, h) -> 1);
    } catch (ConfigurationException e) {
      throw e; // a setting at fault, not the picture
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (image == null) {
      return null;
    }
    boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    boolean alpha = image.getColorModel().hasAlpha();
    int height = image.getHeight();
    int width = image.getWidth();
    int channels = grey ? 1 : alpha ? 4 : 3;
    byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(height, width), channels)];
    InterleavedPixels pixels = InterleavedPixels.of(image);
    if (pixels != null) {
      copy(pixels, grey, alpha, data);
    } else if (grey) {
      WritableRaster raster = image.getRaster();
      int at = 0;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          data[at++] = (byte) raster.getSample(x, y, 0);
        }
      }
    } else {
      int at = 0;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          Color color = new Color(image.getRGB(x, y), alpha);
          data[at] = (byte) color.getBlue();
          data[at + 1] = (byte) color.getGreen();
          data[at + 2] = (byte) color.getRed();
          if (alpha) {
            data[at + 3] = (byte) color.getAlpha();
          }
          at += channels;
        }
      }
    }
    return new GenericInternalRow(
        new Object[] {
          UTF8String.fromString(origin),
          height,
          width,
          channels,
          grey ? CV_8UC1 : alpha ? CV_8UC4 : CV_8UC3,
          data
        });
  }
}
