/**
 * CLIP scoring on ONNX Runtime, for Spark: {@link io.coreviz.spark.clip.ClipScorer} (a Spark ML
 * Transformer) and {@link io.coreviz.spark.clip.ClipSqlFunctions} (SQL functions, batched by {@link
 * io.coreviz.spark.clip.ClipBatching}), both computing their results in {@link
 * io.coreviz.spark.clip.ClipOutputs}. Below them, by concern: {@code model} (the ONNX graphs, the
 * per-JVM cache, ONNX Runtime loading, the math), {@code image} (download and Pillow-exact
 * preprocessing), {@code text} (the BPE tokenizer) and {@code pipeline} (batches of downloads
 * overlapping inference).
 */
package io.coreviz.spark.clip;
