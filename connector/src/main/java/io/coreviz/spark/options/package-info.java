/**
 * The options of the {@code coreviz} source: each declared once in {@link
 * io.coreviz.spark.options.CoreVizOptions} (name, type, default, validation, doc), read into the
 * typed {@link io.coreviz.spark.options.ReadOptions} once on the driver. Credentials from Spark
 * settings are accepted only where Spark redacts them ({@link
 * io.coreviz.spark.options.SparkRedaction}).
 */
package io.coreviz.spark.options;
