/**
 * Images for CLIP: downloads (credentials only to the CoreViz endpoint) and preprocessing that
 * matches Pillow's bicubic resize pixel for pixel.
 */
package io.coreviz.spark.clip.image;
