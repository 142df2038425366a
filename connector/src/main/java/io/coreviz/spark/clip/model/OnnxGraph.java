package io.coreviz.spark.clip.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session (a whole CLIP model or one tower) and what its inputs and outputs are
 * for, read from the session rather than assumed: token ids (an integer matrix, {@code input_ids}
 * by preference), an optional {@code attention_mask}, pixels (a 4-d float input), and the text and
 * image embedding outputs ({@code text_embeds} / {@code image_embeds}, or a tower's only 2-d float
 * output). {@link OrtSession#run} is thread-safe, so one graph serves every task of a JVM.
 */
public final class OnnxGraph implements AutoCloseable {

  final Path file;
  final OrtSession session;
  final String ids;
  final String mask;
  final String pixels;
  final String textOutput;
  final boolean int32Ids;
  final boolean int32Mask;
  final String imageOutput;

  private OnnxGraph(Path file, OrtSession session) throws OrtException {
    this.file = file;
    this.session = session;
    Map<String, NodeInfo> inputs = session.getInputInfo();
    String idsName = null;
    String maskName = null;
    String pixelsName = null;
    for (NodeInfo input : inputs.values()) {
      if (!(input.getInfo() instanceof TensorInfo info)) {
        continue;
      }
      boolean integer = info.type == OnnxJavaType.INT64 || info.type == OnnxJavaType.INT32;
      if (integer && info.getShape().length == 2) {
        if (input.getName().contains("mask")) {
          maskName = input.getName();
        } else if (idsName == null || input.getName().equals("input_ids")) {
          idsName = input.getName();
        }
      } else if (info.type == OnnxJavaType.FLOAT && info.getShape().length == 4) {
        pixelsName = input.getName();
      }
    }
    this.int32Ids = idsName != null && type(inputs, idsName) == OnnxJavaType.INT32;
    this.int32Mask = maskName != null && type(inputs, maskName) == OnnxJavaType.INT32;
    this.ids = idsName;
    this.mask = maskName;
    this.pixels = pixelsName;
    if (ids == null && pixels == null) {
      throw new ConfigurationException(
          file + " takes neither token ids nor pixels; its inputs are " + describe(inputs));
    }
    Map<String, NodeInfo> outputs = session.getOutputInfo();
    this.textOutput = ids == null ? null : output(outputs, "text_embeds", pixels == null);
    this.imageOutput = pixels == null ? null : output(outputs, "image_embeds", ids == null);
    for (NodeInfo input : inputs.values()) {
      String name = input.getName();
      if (!name.equals(ids) && !name.equals(mask) && !name.equals(pixels)) {
        throw new ConfigurationException(
            file + " has an input CLIP does not have: " + name + "; inputs: " + describe(inputs));
      }
    }
  }

  private static OnnxJavaType type(Map<String, NodeInfo> nodes, String name) {
    return ((TensorInfo) nodes.get(name).getInfo()).type;
  }

  static OnnxGraph open(OrtEnvironment env, Path file, OrtSession.SessionOptions options) {
    try {
      return new OnnxGraph(file, env.createSession(file.toString(), options));
    } catch (OrtException e) {
      throw new ConfigurationException(
          "ONNX Runtime cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  private String output(Map<String, NodeInfo> outputs, String preferred, boolean onlyTower) {
    if (outputs.containsKey(preferred)) {
      return preferred;
    }
    List<String> candidates = new ArrayList<>();
    for (NodeInfo output : outputs.values()) {
      if (output.getInfo() instanceof TensorInfo info
          && info.type == OnnxJavaType.FLOAT
          && info.getShape().length == 2) {
        candidates.add(output.getName());
      }
    }
    // A whole model must name its outputs; a tower's only [batch, dim] output is its embedding.
    String found = onlyTower && candidates.size() == 1 ? candidates.get(0) : null;
    if (found == null) {
      throw new ConfigurationException(
          file
              + " has no '"
              + preferred
              + "' output (nor a single [batch, dim] float output); outputs: "
              + describe(outputs));
    }
    return found;
  }

  /** Runs the graph and returns {@code output} as [rows, dim]. */
  float[][] run(Map<String, OnnxTensor> inputs, String output) {
    try (OrtSession.Result result = session.run(inputs, Set.of(output))) {
      OnnxTensor tensor = (OnnxTensor) result.get(output).orElseThrow();
      long[] shape = tensor.getInfo().getShape();
      FloatBuffer values = tensor.getFloatBuffer();
      float[][] rows = new float[(int) shape[0]][(int) shape[1]];
      for (float[] row : rows) {
        values.get(row);
      }
      return rows;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed on " + file + ": " + e.getMessage(), e);
    }
  }

  private static String describe(Map<String, NodeInfo> nodes) {
    StringBuilder text = new StringBuilder();
    for (NodeInfo node : nodes.values()) {
      text.append(text.length() == 0 ? "" : ", ").append(node.getName()).append(' ');
      text.append(
          node.getInfo() instanceof TensorInfo info
              ? info.type + Arrays.toString(info.getShape())
              : "?");
    }
    return text.toString();
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
