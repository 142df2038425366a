package io.coreviz.spark.clip.model;

/** Scores from L2-normalised embeddings, as CLIP defines them. */
public final class ClipMath {

  /** CLIP's learned logit scale, exp(4.6052) = 100: score = 100 x cosine. */
  public static final double LOGIT_SCALE = 100.0;

  private ClipMath() {}

  public static double cosine(float[] image, float[] text) {
    double dot = 0;
    for (int i = 0; i < image.length; i++) {
      dot += (double) image[i] * text[i];
    }
    return dot;
  }

  /** Softmax of 100 x cosine over the labels: CLIP's zero-shot probabilities. */
  public static double[] probabilities(float[] image, float[][] labels) {
    double[] logits = new double[labels.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < labels.length; i++) {
      logits[i] = LOGIT_SCALE * cosine(image, labels[i]);
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.exp(logits[i] - max);
      sum += logits[i];
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= sum;
    }
    return logits;
  }

  public static int argmax(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
