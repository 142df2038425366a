/**
 * Partition planning: a {@link io.coreviz.spark.read.planning.PartitionPlanner} strategy per way of
 * splitting a collection, and the small serializable {@link
 * io.coreviz.spark.read.planning.MediaPartition} each plan is made of.
 */
package io.coreviz.spark.read.planning;
