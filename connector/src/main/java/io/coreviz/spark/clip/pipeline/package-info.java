/**
 * Streams rows through CLIP in fixed batches, downloads overlapping inference, each image fetched
 * and embedded once; shared by the Transformer and the SQL functions.
 */
package io.coreviz.spark.clip.pipeline;
