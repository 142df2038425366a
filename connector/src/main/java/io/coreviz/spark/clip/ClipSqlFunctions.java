package io.coreviz.spark.clip;

import io.coreviz.spark.clip.model.ClipModels;
import io.coreviz.spark.clip.pipeline.ClipPipeline;
import io.coreviz.spark.clip.pipeline.ScoringSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.rules.Rule;
import scala.collection.JavaConverters;

/**
 * CLIP as SQL functions, registered in a session by one call:
 *
 * <pre>{@code
 * ClipSqlFunctions.register(spark, "/models/clip-vit-base-patch32");
 * spark.sql("SELECT id, clip_score(blob, description) AS score,"
 *     + " clip_label(blob, array('a cat', 'a dog')) AS label,"
 *     + " clip_embed(blob) AS embedding, clip_error(blob) AS error FROM media");
 * }</pre>
 *
 * <ul>
 *   <li>{@code clip_score(image, text)}: 100 x cosine; {@code clip_cosine(image, text)}: cosine
 *   <li>{@code clip_label(image, labels)}: the best label; {@code clip_probabilities(image,
 *       labels)}: softmax over the labels, in their order
 *   <li>{@code clip_embed(image)}: the L2-normalised image embedding, {@code array<float>}
 *   <li>{@code clip_error(image)}: why the image has no result (download or decode), else null
 * </ul>
 *
 * An image is a URL, image bytes, or an array of either (a video's frame images, e.g. {@code
 * transform(frames, f -> f.blob)}), whose embedding is the normalised mean.
 *
 * <p><b>Batching.</b> Registration also adds an optimizer rule to the session: a SELECT list whose
 * clip calls share one image argument is planned as one batched step, exactly as {@link ClipScorer}
 * runs (fixed batches, downloads overlapping inference, each image fetched and embedded once for
 * all the calls on it, texts embedded once). Calls elsewhere (in WHERE, in aggregates, or on
 * different images in one SELECT) still work, evaluated one row at a time.
 */
public final class ClipSqlFunctions {

  private ClipSqlFunctions() {}

  /** Registers the functions for a model directory, with ClipScorer's default settings. */
  public static void register(SparkSession spark, String modelPath) {
    register(spark, new ClipScorer().setModelPath(modelPath));
  }

  /**
   * Registers the functions with the model and settings of {@code settings} (model path, batch
   * size, download threads, ONNX Runtime threads, CUDA, API key for endpoint-hosted blobs).
   */
  public static void register(SparkSession spark, ClipScorer settings) {
    ScoringSpec spec = settings.spec(spark);
    for (ClipCall call : ClipCall.values()) {
      if (call.takesArgument) {
        spark
            .udf()
            .register(
                call.sqlName(),
                (UDF2<Object, Object, Object>)
                    (image, argument) -> perRow(spec, call, image, argument),
                call.type);
      } else {
        spark
            .udf()
            .register(
                call.sqlName(),
                (UDF1<Object, Object>) image -> perRow(spec, call, image, null),
                call.type);
      }
    }
    List<Rule<LogicalPlan>> rules =
        new ArrayList<>(JavaConverters.seqAsJavaList(spark.experimental().extraOptimizations()));
    rules.removeIf(rule -> rule instanceof ClipBatching);
    rules.add(new ClipBatching(spec));
    spark.experimental().extraOptimizations_$eq(JavaConverters.asScalaBuffer(rules).toList());
  }

  private static Object perRow(ScoringSpec spec, ClipCall call, Object image, Object argument) {
    ClipPipeline.Embedded<Object> embedded = spec.embedNow(ClipCall.images(image));
    return call.compute(
        ClipModels.get(spec.model()), embedded.embedding(), embedded.error(), argument);
  }
}
