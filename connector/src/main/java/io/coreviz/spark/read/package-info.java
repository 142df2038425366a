/**
 * The DataSource V2 read path, one small class per role: table, scan builder, scan, batch, input
 * partition, reader factory and partition reader. {@link io.coreviz.spark.read.CoreVizTables} is
 * the only way in from outside the package.
 */
package io.coreviz.spark.read;
