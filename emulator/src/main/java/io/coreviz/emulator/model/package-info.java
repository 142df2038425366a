/**
 * The emulator's stored data: collections of media items, their frames and detected objects,
 * exactly the facts the CoreViz API exposes plus the few internal ones it filters on (object
 * clusters and embeddings).
 */
package io.coreviz.emulator.model;
