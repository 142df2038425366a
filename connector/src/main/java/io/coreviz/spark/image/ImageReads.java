package io.coreviz.spark.image;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * An image read as {@link ImageIO#read(ImageInputStream)} reads it, with three differences for
 * JPEGs: one can be read at 1/2, 1/4 or 1/8 of its size, one of three colour channels is read into
 * an image that keeps the decoder's own order of samples (red, green, blue), and where the JVM has
 * libjpeg-turbo's Java API, {@link TurboJpeg} decodes what it reads with the JDK's pixels, faster.
 * Into its default image (blue, green, red) the JDK's reader moves every sample of every row on its
 * own; into this one it copies whole rows. The pixels are the same, the colour conversions the
 * reader applies (an embedded ICC profile's) too: both images are sRGB. Read at a reduced size,
 * each pixel is the mean of those it stands for, as with Pillow's {@code draft}: TurboJPEG scales
 * in the DCT domain, as Pillow's libjpeg does, and the JDK's decoder reads in full, then {@link
 * BlockMeans} takes the mean of each block (close to the DCT's, not the same bytes).
 */
public final class ImageReads {

  private static final int[] RGB = {0, 1, 2};

  private ImageReads() {}

  /** Which decoder reads JPEGs in this JVM, in words: libjpeg-turbo's or the JDK's. */
  public static String jpegDecoder() {
    return TurboJpeg.shared() != null ? "libjpeg-turbo (TurboJPEG)" : "the JDK's";
  }

  /**
   * The image in {@code bytes}: PNGs as {@link PngDecoder} reads them, JPEGs as {@link TurboJpeg}
   * reads them where it can, anything else as ImageIO reads it, from memory ({@code
   * ImageIO.read(InputStream)} would cache every image in a temporary file). Null where no reader
   * takes the bytes.
   *
   * @param jpegStep a JPEG's width and height to the step it is read at: 1 for every pixel
   */
  public static BufferedImage decode(byte[] bytes, IntBinaryOperator jpegStep) throws IOException {
    return decode(bytes, jpegStep, null);
  }

  /**
   * As above, a colour JPEG read into {@code canvas} (where not null): the image is then valid only
   * until the canvas's next read.
   */
  public static BufferedImage decode(byte[] bytes, IntBinaryOperator jpegStep, RgbCanvas canvas)
      throws IOException {
    BufferedImage image = PngDecoder.read(bytes);
    TurboJpeg turbo = image == null ? TurboJpeg.shared() : null;
    if (turbo != null) {
      image = turbo.read(bytes, jpegStep, canvas);
    }
    return image != null
        ? image
        : read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)), jpegStep, canvas);
  }

  /**
   * The first image in {@code in}, as ImageIO reads it, or null where no reader takes it (then
   * {@code in} is left open, holding nothing to release; otherwise it is closed).
   */
  static BufferedImage read(ImageInputStream in, IntBinaryOperator jpegStep, RgbCanvas canvas)
      throws IOException {
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    if (!readers.hasNext()) {
      return null;
    }
    ImageReader reader = readers.next();
    try (in) {
      reader.setInput(in, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      int step = 1;
      if (reader.getFormatName().equalsIgnoreCase("jpeg")) {
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        step = jpegStep.applyAsInt(width, height);
        if (threeSrgbChannels(reader.getImageTypes(0))) {
          param.setDestination(canvas == null ? rgb(width, height) : canvas.of(width, height));
        }
      }
      // Read in full, then reduced: the decoder's own subsampling keeps one pixel in step × step.
      return BlockMeans.reduce(reader.read(0, param), step);
    } finally {
      reader.dispose();
    }
  }

  /** Whether the reader's default image holds 8-bit sRGB without alpha, as a JPEG's usually is. */
  private static boolean threeSrgbChannels(Iterator<ImageTypeSpecifier> types) {
    if (!types.hasNext()) {
      return false;
    }
    ColorModel colours = types.next().getColorModel();
    return colours.getColorSpace().isCS_sRGB()
        && colours.getNumComponents() == 3
        && !colours.hasAlpha()
        && colours.getTransferType() == DataBuffer.TYPE_BYTE;
  }

  /** An 8-bit sRGB image whose samples are red, green and blue in that order. */
  static BufferedImage rgb(int width, int height) {
    ColorModel colours =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    return new BufferedImage(
        colours,
        Raster.createInterleavedRaster(
            DataBuffer.TYPE_BYTE, width, height, Math.multiplyExact(3, width), 3, RGB, null),
        false,
        null);
  }
}
