/**
 * From API JSON to Spark: the fixed table schema ({@link io.coreviz.spark.convert.MediaSchema}) and
 * the streaming reader that turns one {@code media} item into an {@code InternalRow}.
 */
package io.coreviz.spark.convert;
