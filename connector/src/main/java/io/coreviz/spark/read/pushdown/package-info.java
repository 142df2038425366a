/**
 * Pushdown: which Spark predicates the API can apply ({@link
 * io.coreviz.spark.read.pushdown.FilterTranslator}, pure and tested without a SparkSession) and the
 * result: API parameters, alternative requests, and the predicates Spark keeps.
 */
package io.coreviz.spark.read.pushdown;
