/**
 * Images for CLIP: downloads (credentials only to the CoreViz endpoint) and preprocessing that
 * matches Pillow's bicubic resize pixel for pixel, with buffers a thread reuses from one image to
 * the next ({@link io.coreviz.spark.clip.image.Workspace}).
 */
package io.coreviz.spark.clip.image;
