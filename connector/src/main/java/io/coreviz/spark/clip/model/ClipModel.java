package io.coreviz.spark.clip.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.coreviz.spark.clip.image.ImagePreprocessor;
import io.coreviz.spark.clip.text.ClipTokenizer;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CLIP model on ONNX Runtime, loaded from a directory in one of two layouts:
 *
 * <ul>
 *   <li>Hugging Face Optimum: {@code model.onnx} taking {@code input_ids}, {@code attention_mask}
 *       and {@code pixel_values} and giving {@code text_embeds} and {@code image_embeds};
 *   <li>transformers.js: {@code onnx/text_model.onnx} and {@code onnx/vision_model.onnx}.
 * </ul>
 *
 * A {@code tokenizer.json} and {@code preprocessor_config.json} next to them are used when present;
 * otherwise OpenAI's vocabulary and CLIP's preprocessing. Embeddings come back L2-normalised, so a
 * dot product is the cosine. Text embeddings are cached per distinct text. Thread-safe: one
 * instance per model serves every task of an executor (see {@link ClipModels}).
 */
public final class ClipModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClipModel.class);
  private static final int TEXT_BATCH = 64;
  private static final int TEXT_CACHE_LIMIT = 100_000;

  private final Path directory;
  private final OrtEnvironment env;
  private final OnnxGraph text;
  private final OnnxGraph vision;
  private final ClipTokenizer tokenizer;
  private final ImagePreprocessor preprocessor;
  private final String provider;
  private final OrtSession.SessionOptions options;
  private final Map<String, float[]> textCache = new ConcurrentHashMap<>();

  /**
   * Direct buffers that batches given as heap arrays are copied into, reused: from a heap array
   * ONNX Runtime would allocate a direct buffer per run, which costs more than a small model's
   * inference. One per caller running at once, each as large as the largest batch it carried.
   */
  private final Queue<FloatBuffer> spareBuffers = new ConcurrentLinkedQueue<>();

  private ClipModel(Path directory, int threads, boolean useCuda) {
    this.directory = directory;
    OnnxRuntimeLoader.start();
    this.env = OrtEnvironment.getEnvironment();
    Path combined = first(directory, "model.onnx", "onnx/model.onnx");
    Path textFile = first(directory, "onnx/text_model.onnx", "text_model.onnx");
    Path visionFile = first(directory, "onnx/vision_model.onnx", "vision_model.onnx");
    Path tokenizerFile = directory.resolve("tokenizer.json");
    Path preprocessorFile = directory.resolve("preprocessor_config.json");
    this.tokenizer =
        Files.isRegularFile(tokenizerFile)
            ? ClipTokenizer.fromTokenizerJson(tokenizerFile)
            : ClipTokenizer.openAi();
    this.preprocessor =
        Files.isRegularFile(preprocessorFile)
            ? ImagePreprocessor.fromConfig(preprocessorFile)
            : ImagePreprocessor.CLIP;
    String[] chosen = new String[1];
    // Open as long as the sessions: ONNX Runtime's Java sessions refer to their options.
    this.options = options(threads, useCuda, chosen);
    try {
      if (textFile != null && visionFile != null) {
        this.text = OnnxGraph.open(env, textFile, options);
        this.vision = OnnxGraph.open(env, visionFile, options);
      } else if (combined != null) {
        this.text = OnnxGraph.open(env, combined, options);
        this.vision = text;
      } else {
        throw new ConfigurationException(
            directory
                + " is not a CLIP model directory: expected model.onnx (Hugging Face Optimum) or"
                + " onnx/text_model.onnx with onnx/vision_model.onnx (transformers.js)");
      }
    } catch (RuntimeException e) {
      options.close();
      throw e;
    }
    this.provider = chosen[0];
    if (text.textOutput == null || vision.imageOutput == null) {
      close();
      throw new ConfigurationException(
          directory + ": the text graph must take token ids and the vision graph pixels");
    }
    LOG.info(
        "Loaded CLIP model {} ({} layout, {}, {} intra-op threads)",
        directory,
        text == vision ? "Optimum" : "transformers.js",
        provider,
        threads);
  }

  /**
   * Loads a model directory.
   *
   * @param threads ONNX Runtime intra-op threads per run
   * @param useCuda try CUDA first (with the onnxruntime_gpu jar); falls back to CPU
   */
  public static ClipModel load(Path directory, int threads, boolean useCuda) {
    return new ClipModel(directory, threads, useCuda);
  }

  private static OrtSession.SessionOptions options(int threads, boolean useCuda, String[] chosen) {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      chosen[0] = "CPU";
      if (useCuda) {
        try {
          options.addCUDA(0);
          chosen[0] = "CUDA";
        } catch (OrtException | RuntimeException | LinkageError e) {
          cpuFallback(e);
        }
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw new IllegalStateException("cannot configure ONNX Runtime: " + e.getMessage(), e);
    }
  }

  /** The reasons already logged: a model loads once per executor, the warning likewise. */
  private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

  /**
   * Says once per JVM that CUDA was asked for and why it is not used, in ONNX Runtime's words
   * (which name the library it could not load): a GPU cluster scoring on its CPUs is slow and
   * costly, and silent about it otherwise.
   */
  /** Lets the next fallback warn again (tests). */
  static void forgetWarnings() {
    WARNED.clear();
  }

  private static void cpuFallback(Throwable e) {
    String reason = String.valueOf(e.getMessage());
    if (WARNED.add(reason)) {
      LOG.warn(
          "CUDA is not usable, so CLIP runs on the CPU: {} (ONNX Runtime's CUDA provider library,"
              + " onnxruntime_providers_cuda, comes with the com.microsoft.onnxruntime:"
              + "onnxruntime_gpu jar and needs the CUDA and cuDNN libraries it was built with;"
              + " useCuda=false runs on the CPU without this warning)",
          reason);
    }
  }

  private static Path first(Path directory, String... names) {
    for (String name : names) {
      Path file = directory.resolve(name);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  /** The execution provider the sessions run on: CPU or CUDA. */
  public String provider() {
    return provider;
  }

  /**
   * L2-normalised image embeddings of {@code count} preprocessed images ({@code
   * preprocessor().tensorSize()} floats each, CHW) in {@code pixels}, copied into a direct buffer
   * the model keeps for the next call.
   */
  public float[][] embedImages(float[] pixels, int count) {
    int floats = Math.multiplyExact(count, preprocessor.tensorSize());
    FloatBuffer buffer = spareBuffers.poll();
    if (buffer == null || buffer.capacity() < floats) {
      buffer = directBuffer(floats);
    }
    try {
      buffer.clear();
      buffer.put(pixels, 0, floats).flip();
      return embedImages(buffer, count);
    } finally {
      spareBuffers.offer(buffer);
    }
  }

  /**
   * A direct buffer of {@code floats} floats in native order: what {@link #embedImages(FloatBuffer,
   * int)} hands to ONNX Runtime without a copy.
   */
  public static FloatBuffer directBuffer(int floats) {
    return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES))
        .order(ByteOrder.nativeOrder())
        .asFloatBuffer();
  }

  /**
   * As {@link #embedImages(float[], int)}, from a buffer: a direct one in native order (see {@link
   * #directBuffer}) is handed to ONNX Runtime without a copy.
   */
  public float[][] embedImages(FloatBuffer pixels, int count) {
    int crop = preprocessor.crop();
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put(
          vision.pixels, OnnxTensor.createTensor(env, pixels, new long[] {count, 3, crop, crop}));
      if (vision.ids != null) { // one graph for both towers: it wants some text too
        addTokens(inputs, vision, List.of(""));
      }
      return normalise(vision.run(inputs, vision.imageOutput));
    } catch (OrtException e) {
      throw new IllegalStateException("cannot build the image batch: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  /** L2-normalised embeddings of {@code texts}, in order; each distinct text is run once. */
  public float[][] embedTexts(List<String> texts) {
    List<String> missing = new ArrayList<>();
    for (String text : new LinkedHashSet<>(texts)) {
      if (!textCache.containsKey(text)) {
        missing.add(text);
      }
    }
    for (int from = 0; from < missing.size(); from += TEXT_BATCH) {
      List<String> batch = missing.subList(from, Math.min(missing.size(), from + TEXT_BATCH));
      float[][] embeddings = runText(batch);
      if (textCache.size() + batch.size() > TEXT_CACHE_LIMIT) {
        textCache.clear();
      }
      for (int i = 0; i < batch.size(); i++) {
        textCache.put(batch.get(i), embeddings[i]);
      }
    }
    float[][] out = new float[texts.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = textCache.get(texts.get(i));
      if (out[i] == null) { // evicted by a concurrent batch: compute alone
        out[i] = runText(List.of(texts.get(i)))[0];
      }
    }
    return out;
  }

  private float[][] runText(List<String> texts) {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      addTokens(inputs, text, texts);
      if (text.pixels != null) { // one graph for both towers: it wants some image too
        int crop = preprocessor.crop();
        inputs.put(
            text.pixels,
            OnnxTensor.createTensor(
                env, FloatBuffer.allocate(3 * crop * crop), new long[] {1, 3, crop, crop}));
      }
      return normalise(text.run(inputs, text.textOutput));
    } catch (OrtException e) {
      throw new IllegalStateException("cannot build the text batch: " + e.getMessage(), e);
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private void addTokens(Map<String, OnnxTensor> inputs, OnnxGraph graph, List<String> texts)
      throws OrtException {
    long[] shape = {texts.size(), ClipTokenizer.CONTEXT_LENGTH};
    long[] mask = new long[texts.size() * ClipTokenizer.CONTEXT_LENGTH];
    long[] ids = tokenizer.tokenize(texts, mask);
    inputs.put(graph.ids, integers(ids, shape, graph.int32Ids));
    if (graph.mask != null) {
      inputs.put(graph.mask, integers(mask, shape, graph.int32Mask));
    }
  }

  private OnnxTensor integers(long[] values, long[] shape, boolean int32) throws OrtException {
    if (!int32) {
      return OnnxTensor.createTensor(env, LongBuffer.wrap(values), shape);
    }
    int[] narrow = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      narrow[i] = (int) values[i];
    }
    return OnnxTensor.createTensor(env, IntBuffer.wrap(narrow), shape);
  }

  public static float[][] normalise(float[][] rows) {
    for (float[] row : rows) {
      double sum = 0;
      for (float v : row) {
        sum += (double) v * v;
      }
      float norm = (float) Math.sqrt(sum);
      if (norm > 0) {
        for (int i = 0; i < row.length; i++) {
          row[i] /= norm;
        }
      }
    }
    return rows;
  }

  @Override
  public void close() {
    if (text != null) {
      text.close();
    }
    if (vision != null && vision != text) {
      vision.close();
    }
    options.close();
  }

  @Override
  public String toString() {
    return "ClipModel[" + directory + ", " + provider + "]";
  }
}
