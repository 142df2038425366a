/**
 * The SQL surface: a {@code coreviz} catalog of collections ({@link
 * io.coreviz.spark.catalog.CoreVizCatalog}) and its functions ({@code has_tag}, {@code
 * has_any_tag}, {@code in_folder}), which evaluate in Spark and push down as API parameters.
 */
package io.coreviz.spark.catalog;
