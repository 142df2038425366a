/**
 * The public face of the connector: the {@code coreviz} data source ({@link
 * io.coreviz.spark.CoreVizDataSource}). Its option names are in {@link
 * io.coreviz.spark.options.CoreVizOptions}, the parsed, validated options in {@link
 * io.coreviz.spark.options.ReadOptions}.
 */
package io.coreviz.spark;
