package io.coreviz.spark.clip.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models loaded in this JVM: one per model directory, thread count and device, created on first
 * use and shared by every task of the executor. A spec is located once per JVM, so a model on a
 * Hadoop filesystem is fetched again only by executors started after it changed. Never closed while
 * the JVM runs, so no task can lose its session mid-run; ONNX Runtime frees them at exit.
 */
public final class ClipModels {

  private record Key(Path directory, int threads, boolean cuda) {}

  private static final Map<Key, ClipModel> LOADED = new ConcurrentHashMap<>();

  /** Each spec resolved once: locating a model may list a remote filesystem. */
  private static final Map<ModelSpec, ClipModel> BY_SPEC = new ConcurrentHashMap<>();

  private ClipModels() {}

  public static ClipModel get(ModelSpec spec) {
    // Before ClipModel is linked: without ONNX Runtime it would fail with NoClassDefFoundError.
    OnnxRuntimeLoader.start();
    return BY_SPEC.computeIfAbsent(
        spec,
        s -> {
          Key key = new Key(s.localDirectory(), s.effectiveThreads(), s.cuda());
          return LOADED.computeIfAbsent(
              key, k -> ClipModel.load(k.directory(), k.threads(), k.cuda()));
        });
  }
}
