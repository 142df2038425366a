package io.coreviz.spark.clip.model;

import ai.onnxruntime.OrtEnvironment;
import io.coreviz.spark.errors.ConfigurationException;

/**
 * Starts ONNX Runtime once per JVM, on a thread of its own with a large stack. Its native
 * initialisation needs more stack than a default 1 MB thread has left when the JVM's class path is
 * long (a few KB, as on any Spark executor): on such a thread it dies with SIGSEGV and no Java
 * error. Once started, sessions run fine on any thread.
 */
public final class OnnxRuntimeLoader {

  private static final long STACK_BYTES = 64L << 20;
  private static volatile boolean started;

  private OnnxRuntimeLoader() {}

  static void start() {
    if (started) {
      return;
    }
    synchronized (OnnxRuntimeLoader.class) {
      if (started) {
        return;
      }
      try {
        Class.forName(
            "ai.onnxruntime.OrtEnvironment", false, OnnxRuntimeLoader.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ConfigurationException(
            "ONNX Runtime is not on the classpath: add com.microsoft.onnxruntime:onnxruntime (CPU)"
                + " or com.microsoft.onnxruntime:onnxruntime_gpu (CUDA) next to the connector's jar");
      }
      Throwable[] failure = new Throwable[1];
      Thread thread =
          new Thread(
              null,
              () -> {
                try {
                  OrtEnvironment.getEnvironment();
                } catch (Throwable t) {
                  failure[0] = t;
                }
              },
              "coreviz-onnxruntime-start",
              STACK_BYTES);
      thread.setDaemon(true);
      thread.start();
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting ONNX Runtime", e);
      }
      if (failure[0] != null) {
        throw new ConfigurationException(
            "ONNX Runtime could not start on this machine: " + failure[0], failure[0]);
      }
      started = true;
    }
  }
}
