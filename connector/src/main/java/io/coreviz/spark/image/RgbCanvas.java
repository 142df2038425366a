package io.coreviz.spark.image;

import java.awt.image.BufferedImage;

/**
 * An image that JPEGs are read into one after another instead of a new image each: a decoded
 * 2400×1600 photograph is 11.5 MB to allocate, clear and collect. It grows to the largest image
 * read, up to {@link #DEFAULT_MAX_BYTES}; a smaller one is read into its top-left corner, a larger
 * one into an image of its own that is not kept (a pipeline thread must not hold on to a 12
 * megapixel photograph's 36 MB). An image read into it is valid until the next read. Not
 * thread-safe: one per thread.
 */
public final class RgbCanvas {

  /** The largest canvas kept: 16 MiB, a 5.5 megapixel photograph. */
  public static final int DEFAULT_MAX_BYTES = 16 << 20;

  private final long maxBytes;
  private BufferedImage image;

  public RgbCanvas() {
    this(DEFAULT_MAX_BYTES);
  }

  RgbCanvas(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** A {@code width × height} RGB image, on this canvas where it fits; its pixels undefined. */
  BufferedImage of(int width, int height) {
    int keptWidth = Math.max(width, image == null ? 0 : image.getWidth());
    int keptHeight = Math.max(height, image == null ? 0 : image.getHeight());
    if (3L * keptWidth * keptHeight > maxBytes) {
      return ImageReads.rgb(width, height);
    }
    if (image == null || image.getWidth() < width || image.getHeight() < height) {
      image = ImageReads.rgb(keptWidth, keptHeight);
    }
    return image.getWidth() == width && image.getHeight() == height
        ? image
        : image.getSubimage(0, 0, width, height);
  }
}
