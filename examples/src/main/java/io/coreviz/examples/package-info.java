/**
 * Runnable jobs on the coreviz source. {@link io.coreviz.examples.QualityJob} is the main one: the
 * nightly dataset-quality report, on the embedded CoreViz server by default or on real CoreViz.
 */
package io.coreviz.examples;
