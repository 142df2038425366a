/**
 * Image bytes to pixels, shared by the {@code image} column and CLIP's preprocessing: the PNGs
 * photographs are stored as, read without ImageIO ({@link io.coreviz.spark.image.PngDecoder}),
 * JPEGs read by ImageIO in the decoder's own order of samples ({@link
 * io.coreviz.spark.image.ImageReads}), optionally into an image reused from one JPEG to the next
 * ({@link io.coreviz.spark.image.RgbCanvas}), and a decoded image's 8-bit samples read in its own
 * buffer ({@link io.coreviz.spark.image.InterleavedPixels}). No Spark imports.
 */
package io.coreviz.spark.image;
