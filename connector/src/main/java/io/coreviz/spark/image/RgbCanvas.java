package io.coreviz.spark.image;

import java.awt.image.BufferedImage;

/**
 * An image that JPEGs are read into one after another instead of a new image each: a decoded
 * 2400×1600 photograph is 11.5 MB to allocate, clear and collect. It grows to the largest image
 * read; a smaller one is read into its top-left corner. An image read into it is valid until the
 * next read. Not thread-safe: one per thread.
 */
public final class RgbCanvas {

  private BufferedImage image;

  /** A {@code width × height} RGB image on this canvas, its pixels undefined. */
  BufferedImage of(int width, int height) {
    if (image == null || image.getWidth() < width || image.getHeight() < height) {
      image =
          ImageReads.rgb(
              Math.max(width, image == null ? 0 : image.getWidth()),
              Math.max(height, image == null ? 0 : image.getHeight()));
    }
    return image.getWidth() == width && image.getHeight() == height
        ? image
        : image.getSubimage(0, 0, width, height);
  }
}
