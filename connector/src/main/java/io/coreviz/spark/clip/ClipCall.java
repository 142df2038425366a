package io.coreviz.spark.clip;

import io.coreviz.spark.clip.model.ClipModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The SQL functions ClipSqlFunctions registers: name, result type, and how a result is computed.
 */
enum ClipCall {
  CLIP_SCORE(DataTypes.DoubleType, true),
  CLIP_COSINE(DataTypes.DoubleType, true),
  CLIP_LABEL(DataTypes.StringType, true),
  CLIP_PROBABILITIES(DataTypes.createArrayType(DataTypes.DoubleType, false), true),
  CLIP_EMBED(DataTypes.createArrayType(DataTypes.FloatType, false), false),
  CLIP_ERROR(DataTypes.StringType, false);

  final DataType type;
  final boolean takesArgument;

  ClipCall(DataType type, boolean takesArgument) {
    this.type = type;
    this.takesArgument = takesArgument;
  }

  String sqlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ClipCall of(String sqlName) {
    for (ClipCall call : values()) {
      if (call.sqlName().equals(sqlName)) {
        return call;
      }
    }
    return null;
  }

  boolean labelled() {
    return this == CLIP_LABEL || this == CLIP_PROBABILITIES;
  }

  /**
   * The result for one image embedding (null when the image failed, with {@code error}) and its
   * argument (a text, or a list of labels).
   */
  Object compute(ClipModel model, float[] image, String error, Object argument) {
    if (this == CLIP_ERROR) {
      return error;
    }
    if (image == null) {
      return null;
    }
    if (this == CLIP_EMBED) {
      return ClipOutputs.embedding(image);
    }
    if (argument == null) {
      return null;
    }
    if (!labelled()) {
      Double cosine = ClipOutputs.cosine(image, model.embedTexts(List.of((String) argument))[0]);
      return this == CLIP_SCORE ? ClipOutputs.score(cosine) : cosine;
    }
    List<String> labels = strings(argument);
    ClipOutputs.Labelled verdict =
        labels.isEmpty() ? null : ClipOutputs.labelled(image, labels, model.embedTexts(labels));
    if (verdict == null) {
      return null;
    }
    return this == CLIP_LABEL ? verdict.label() : ClipOutputs.probabilities(verdict);
  }

  /** A list argument as strings: a Java list (from a Row) or a Scala sequence (from a UDF). */
  static List<String> strings(Object value) {
    Collection<?> values =
        value instanceof scala.collection.Seq<?> seq
            ? scala.collection.JavaConverters.seqAsJavaList(seq)
            : (Collection<?>) value;
    List<String> out = new ArrayList<>(values.size());
    for (Object v : values) {
      if (v != null) {
        out.add(v.toString());
      }
    }
    return out;
  }

  /** An image argument as a list of images: a URL, bytes, or a list of either (video frames). */
  static List<Object> images(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String || value instanceof byte[]) {
      return List.of(value);
    }
    Collection<?> values =
        value instanceof scala.collection.Seq<?> seq
            ? scala.collection.JavaConverters.seqAsJavaList(seq)
            : (Collection<?>) value;
    List<Object> out = new ArrayList<>(values.size());
    for (Object v : values) {
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }
}
