package io.coreviz.spark.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;

/**
 * 8-bit samples where a decoder left them: rows {@code rowStride} bytes apart, {@code pixelStride}
 * bytes per pixel, the first pixel's red, green, blue and alpha at the given indices of {@code
 * data} (red, green and blue the same index for grey; alpha -1 when there is none).
 */
public record InterleavedPixels(
    byte[] data,
    int width,
    int height,
    int rowStride,
    int pixelStride,
    int red,
    int green,
    int blue,
    int alpha) {

  /** Interleaved RGB bytes, row after row. */
  public static InterleavedPixels rgb(byte[] rgb, int width, int height) {
    return new InterleavedPixels(rgb, width, height, 3 * width, 3, 0, 1, 2, -1);
  }

  /**
   * {@code image}'s own buffer, where it holds 8-bit samples of sRGB (alpha not premultiplied) or
   * grey interleaved in one bank: exactly what {@code getRGB} (sRGB) or {@code getSample} (grey)
   * would read, without a call per pixel. Null for any other layout.
   */
  public static InterleavedPixels of(BufferedImage image) {
    Raster raster = image.getRaster();
    ColorModel colours = image.getColorModel();
    ColorSpace space = colours.getColorSpace();
    boolean rgb = space.isCS_sRGB() && colours.getNumColorComponents() == 3;
    boolean grey = space.getType() == ColorSpace.TYPE_GRAY && colours.getNumColorComponents() == 1;
    if (!(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1
        || !(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
        || !(colours instanceof ComponentColorModel)
        || colours.isAlphaPremultiplied()
        || colours.getPixelSize() != 8 * colours.getNumComponents()
        || !(rgb || grey)
        || raster.getSampleModelTranslateX() != 0
        || raster.getSampleModelTranslateY() != 0) {
      return null;
    }
    int[] bands = model.getBandOffsets();
    int at = buffer.getOffset();
    int alpha = colours.hasAlpha() ? at + bands[colours.getNumColorComponents()] : -1;
    return new InterleavedPixels(
        buffer.getData(),
        image.getWidth(),
        image.getHeight(),
        model.getScanlineStride(),
        model.getPixelStride(),
        at + bands[0],
        at + bands[grey ? 0 : 1],
        at + bands[grey ? 0 : 2],
        alpha);
  }
}
