/**
 * A CLIP model directory (Hugging Face Optimum or transformers.js layout) on ONNX Runtime: {@link
 * io.coreviz.spark.clip.model.ClipModel}, one per JVM and settings ({@link
 * io.coreviz.spark.clip.model.ClipModels}), loading the native runtime with a clear error when it
 * is missing, and the cosine/softmax math on embeddings.
 */
package io.coreviz.spark.clip.model;
