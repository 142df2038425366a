/**
 * What can go wrong, as a small tree under {@link io.coreviz.spark.errors.CoreVizException}: bad
 * configuration, a connection failure, an HTTP error status from the service (one subclass per
 * status group) and a response that cannot be read. Messages say what happened, where (the request
 * path, never credentials) and what to do.
 */
package io.coreviz.spark.errors;
