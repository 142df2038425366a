/**
 * CLIP scoring on ONNX Runtime: {@link io.coreviz.spark.clip.ClipScorer} (a Spark ML Transformer)
 * and {@link io.coreviz.spark.clip.ClipSqlFunctions} (SQL functions) over a model directory in the
 * Hugging Face Optimum or transformers.js layout; the tokenizer, Pillow-exact preprocessing, the
 * per-JVM model cache and the batched download/inference pipeline behind them.
 */
package io.coreviz.spark.clip;
