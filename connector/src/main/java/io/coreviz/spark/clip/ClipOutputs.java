package io.coreviz.spark.clip;

import io.coreviz.spark.clip.model.ClipMath;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image embedding becomes, for {@link ClipScorer}'s columns and the SQL functions alike:
 * the one place results are computed, so both paths give the same numbers.
 *
 * <p>One difference is deliberate: the Transformer knows each row's text, so an image without a
 * text gets the error "no text"; {@code clip_error(image)} sees only the image and reports only its
 * download or decode error (a {@code clip_score} of a null text is null).
 */
final class ClipOutputs {

  private ClipOutputs() {}

  /** The cosine of an image and a text embedding; null when either is missing. */
  static Double cosine(float[] image, float[] text) {
    return image == null || text == null ? null : ClipMath.cosine(image, text);
  }

  /** {@code 100 x cosine}, CLIP's logit scale; null for a null cosine. */
  static Double score(Double cosine) {
    return cosine == null ? null : ClipMath.LOGIT_SCALE * cosine;
  }

  /**
   * The best of some labels for an image.
   *
   * @param score the best label's score ({@code 100 x cosine})
   * @param probabilities softmax over the labels, in their order
   */
  record Labelled(String label, double score, double[] probabilities) {}

  /** The labels' verdict on an image; null without an image or without labels. */
  static Labelled labelled(float[] image, List<String> labels, float[][] embeddings) {
    if (image == null || labels.isEmpty()) {
      return null;
    }
    double[] probabilities = ClipMath.probabilities(image, embeddings);
    int best = ClipMath.argmax(probabilities);
    return new Labelled(
        labels.get(best),
        ClipMath.LOGIT_SCALE * ClipMath.cosine(image, embeddings[best]),
        probabilities);
  }

  /** An embedding as Spark's row encoder takes it; null without an image. */
  static scala.collection.Seq<Float> embedding(float[] image) {
    if (image == null) {
      return null;
    }
    List<Float> list = new ArrayList<>(image.length);
    for (float v : image) {
      list.add(v);
    }
    return scala.collection.JavaConverters.asScalaBuffer(list);
  }

  /** Probabilities as Spark's row encoder takes them; null for null. */
  static scala.collection.Seq<Double> probabilities(Labelled labelled) {
    if (labelled == null) {
      return null;
    }
    List<Double> list = new ArrayList<>(labelled.probabilities().length);
    for (double v : labelled.probabilities()) {
      list.add(v);
    }
    return scala.collection.JavaConverters.asScalaBuffer(list);
  }
}
