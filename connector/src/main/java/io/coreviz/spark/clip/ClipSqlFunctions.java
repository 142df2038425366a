package io.coreviz.spark.clip;

import io.coreviz.spark.clip.model.ClipModels;
import io.coreviz.spark.clip.pipeline.ClipPipeline;
import io.coreviz.spark.clip.pipeline.ScoringSpec;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.Serializable;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.execution.SparkStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple3;
import scala.runtime.AbstractFunction1;

/**
 * CLIP as SQL functions. With the session extension ({@code
 * spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions}) they exist in every session and
 * need only the model directory in the Spark setting {@value #MODEL_CONF} (cluster config, or
 * {@code spark.conf.set}, which Spark Connect clients can call): no JVM call. Without the
 * extension, one call registers them in a session:
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
 * <p><b>Batching.</b> In a session started with {@code
 * spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions}, a SELECT list whose clip calls
 * share one image argument is planned as one batched step ({@link ClipBatching}), exactly as {@link
 * ClipScorer} runs (fixed batches, downloads overlapping inference, each image fetched and embedded
 * once for all the calls on it, texts embedded once). Calls elsewhere (in WHERE, in aggregates, or
 * on different images in one SELECT), or in a session without the extension (registration then logs
 * a warning), still work, evaluated one row at a time.
 */
public final class ClipSqlFunctions {

  private static final Logger LOG = LoggerFactory.getLogger(ClipSqlFunctions.class);

  /** The session extension class that installs {@link #batching}, by its simple name. */
  private static final String EXTENSIONS = "CoreVizExtensions";

  /** The Spark setting with the CLIP model directory the extension's functions use. */
  public static final String MODEL_CONF = "spark.coreviz.clip.modelPath";

  /** Each session's settings, for its planner strategy; sessions are dropped when collected. */
  private static final Map<SparkSession, ScoringSpec> SPECS =
      java.util.Collections.synchronizedMap(new WeakHashMap<>());

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
    SPECS.put(spark, spec);
    if (!batched(spark)) {
      LOG.warn(
          "clip_* SQL functions will run one row at a time: to batch them, start the session with"
              + " spark.sql.extensions=io.coreviz.spark.catalog.{}",
          EXTENSIONS);
    }
  }

  /**
   * For {@code CoreVizExtensions}: injects each {@code clip_*} function into every session. The
   * first call in a session registers the functions from {@value #MODEL_CONF} ({@link #register},
   * which replaces these injected entries), then builds the call as the registered function does,
   * so calls are batched the same way.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static void inject(SparkSessionExtensions extensions) {
    for (ClipCall call : ClipCall.values()) {
      extensions.injectFunction(
          new Tuple3(
              FunctionIdentifier.apply(call.sqlName()),
              new ExpressionInfo(ClipSqlFunctions.class.getName(), call.sqlName()),
              new ByConfiguration(call.sqlName())));
    }
  }

  /** An injected function's builder: registers the session's functions, then builds the call. */
  private static final class ByConfiguration extends AbstractFunction1<Object, Expression>
      implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final ThreadLocal<Boolean> BUILDING = ThreadLocal.withInitial(() -> false);

    private final String name;

    ByConfiguration(String name) {
      this.name = name;
    }

    @Override
    public Expression apply(Object arguments) {
      SparkSession session = SparkSession.active();
      if (BUILDING.get()) {
        throw new IllegalStateException(name + " did not resolve to the registered function");
      }
      BUILDING.set(true);
      try {
        synchronized (SPECS) {
          if (registered(session) == null) {
            String model = session.conf().get(MODEL_CONF, null);
            if (model == null || model.isBlank()) {
              throw new ConfigurationException(
                  MODEL_CONF,
                  null,
                  name
                      + " needs a CLIP model: set the Spark setting "
                      + MODEL_CONF
                      + " to the model's directory (Optimum or transformers.js layout), in the"
                      + " cluster's Spark config or with spark.conf.set");
            }
            register(session, model);
          }
        }
        try {
          return session
              .sessionState()
              .functionRegistry()
              .lookupFunction(FunctionIdentifier.apply(name), seq(arguments));
        } catch (org.apache.spark.sql.AnalysisException e) {
          throw ByConfiguration.<RuntimeException>unchecked(e); // Spark's own error, as thrown
        }
      } finally {
        BUILDING.set(false);
      }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E unchecked(Exception e) throws E {
      throw (E) e;
    }

    /** The arguments as the Scala line's own Seq type (they arrive as one). */
    @SuppressWarnings("unchecked")
    private static <T> T seq(Object arguments) {
      return (T) arguments;
    }
  }

  /** The settings {@link #register} gave this session, or null. */
  static ScoringSpec registered(SparkSession spark) {
    return SPECS.get(spark);
  }

  /**
   * The planner strategy that batches the clip calls of a SELECT list ({@link ClipBatching}); for
   * {@code CoreVizExtensions}, which installs it in every session it extends.
   */
  public static SparkStrategy batching(SparkSession session) {
    return new ClipBatching(session);
  }

  private static boolean batched(SparkSession spark) {
    return spark.sparkContext().getConf().get("spark.sql.extensions", "").contains(EXTENSIONS);
  }

  private static Object perRow(ScoringSpec spec, ClipCall call, Object image, Object argument) {
    ClipPipeline.Embedded<Object> embedded = spec.embedNow(ClipCall.images(image));
    return call.compute(
        ClipModels.get(spec.model()), embedded.embedding(), embedded.error(), argument);
  }
}
