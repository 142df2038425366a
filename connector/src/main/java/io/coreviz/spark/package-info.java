/**
 * The public face of the connector: the {@code coreviz} data source ({@link
 * io.coreviz.spark.CoreVizDataSource}), its option names ({@link io.coreviz.spark.CoreVizOptions})
 * and the parsed, validated options ({@link io.coreviz.spark.ReadOptions}).
 */
package io.coreviz.spark;
