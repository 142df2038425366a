package io.coreviz.spark.clip;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The models loaded in this JVM: one per model directory, thread count and device, created on first
 * use and shared by every task of the executor. Never closed while the JVM runs, so no task can
 * lose its session mid-run; ONNX Runtime frees them at exit.
 */
final class ClipModels {

  private record Key(Path directory, int threads, boolean cuda) {}

  private static final Map<Key, ClipModel> LOADED = new ConcurrentHashMap<>();

  private ClipModels() {}

  static ClipModel get(ModelSpec spec) {
    // Before ClipModel is linked: without ONNX Runtime it would fail with NoClassDefFoundError.
    OnnxRuntimeLoader.start();
    Key key = new Key(spec.localDirectory(), spec.effectiveThreads(), spec.cuda());
    return LOADED.computeIfAbsent(key, k -> ClipModel.load(k.directory(), k.threads(), k.cuda()));
  }
}
