/**
 * The connector's SQL functions and their identities, below both the catalog that serves them and
 * the filter pushdown that recognises them: {@link io.coreviz.spark.functions.CatalogFunction}
 * ({@code coreviz.has_tag}, {@code has_any_tag}, {@code in_folder}) and their DataFrame forms,
 * {@link io.coreviz.spark.functions.CoreVizColumns}.
 */
package io.coreviz.spark.functions;
