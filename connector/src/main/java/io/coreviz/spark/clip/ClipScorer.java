package io.coreviz.spark.clip;

import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.model.ClipModel;
import io.coreviz.spark.clip.model.ClipModels;
import io.coreviz.spark.clip.model.ModelSpec;
import io.coreviz.spark.clip.pipeline.ClipPipeline;
import io.coreviz.spark.clip.pipeline.ScoringSpec;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * CLIP scoring as a Spark ML {@link Transformer}: image-text scores, zero-shot labels and image
 * embeddings for the images of a DataFrame, computed in batches on ONNX Runtime.
 *
 * <pre>{@code
 * Dataset<Row> scored = new ClipScorer()
 *     .setModelPath("/models/clip-vit-base-patch32")   // or hdfs://, dbfs:/, an --archives name
 *     .setImageCol("blob")                              // URL or binary column
 *     .setTextCol("description")                        // -> clip_score, clip_cosine
 *     .setLabels("a cat", "a dog", "a car")             // -> clip_label, clip_probabilities
 *     .setEmbeddingCol("clip_embedding")                // -> array<float>
 *     .transform(spark.read().format("coreviz").option("collectionId", "...").load());
 * }</pre>
 *
 * Each partition is scored in batches of {@link #batchSize()} images: while one batch runs on the
 * model, the next ones download and decode on {@link #downloadThreads()} threads. Texts and labels
 * are embedded once per distinct value. {@code clip_score} is 100 x cosine (CLIP's logit scale);
 * probabilities are the softmax of the label scores. On a CoreViz table, video rows are scored on
 * their frame images (the normalised mean of the frame embeddings).
 *
 * <p>A row whose image cannot be downloaded or decoded gets null outputs and its reason in {@code
 * clip_error}; it never fails the job. {@link #failedRows()} counts them (it is also in the Spark
 * UI as the accumulator {@code ClipScorer rows without a score}). Downloads are retried as the
 * connector's requests are; {@link #downloadRetries()} counts the retries ({@code ClipScorer
 * download retries}).
 */
public final class ClipScorer extends Transformer implements MLWritable {

  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Param<String> modelPath;
  private final Param<String> imageCol;
  private final Param<String> textCol;
  private final StringArrayParam labels;
  private final IntParam batchSize;
  private final IntParam downloadThreads;
  private final IntParam downloadTimeoutMs;
  private final IntParam threads;
  private final BooleanParam useCuda;
  private final BooleanParam useFrames;
  private final BooleanParam reducedScaleDecoding;
  private final Param<String> scoreCol;
  private final Param<String> cosineCol;
  private final Param<String> labelCol;
  private final Param<String> probabilitiesCol;
  private final Param<String> embeddingCol;
  private final Param<String> errorCol;

  // Not Params: a secret must not be saved with the stage or shown by explainParams().
  private String endpoint;
  private Credentials credentials;
  private transient LongAccumulator failedRows;
  private transient LongAccumulator downloadRetries;

  public ClipScorer() {
    this(Identifiable$.MODULE$.randomUID("clipScorer"));
  }

  public ClipScorer(String uid) {
    this.uid = uid;
    modelPath = new Param<>(this, "modelPath", "CLIP model directory (Optimum or transformers.js)");
    imageCol = new Param<>(this, "imageCol", "image column: URL, binary, or an array of them");
    textCol = new Param<>(this, "textCol", "text column to score each image against");
    labels = new StringArrayParam(this, "labels", "labels for zero-shot classification");
    batchSize = new IntParam(this, "batchSize", "images per model run");
    downloadThreads = new IntParam(this, "downloadThreads", "concurrent downloads per task");
    downloadTimeoutMs =
        new IntParam(
            this,
            "downloadTimeoutMs",
            "the most one download attempt may take, or wait for its next bytes; then it is"
                + " retried");
    threads = new IntParam(this, "threads", "ONNX Runtime threads per run; 0: spark.task.cpus");
    useCuda = new BooleanParam(this, "useCuda", "try CUDA (onnxruntime_gpu jar) before the CPU");
    useFrames = new BooleanParam(this, "useFrames", "score CoreViz videos on their frame images");
    reducedScaleDecoding =
        new BooleanParam(
            this,
            "reducedScaleDecoding",
            "decode JPEGs of at least twice the model's size at 1/2, 1/4 or 1/8 scale");
    scoreCol = new Param<>(this, "scoreCol", "output: 100 x cosine (text, or best label)");
    cosineCol = new Param<>(this, "cosineCol", "output: raw cosine similarity");
    labelCol = new Param<>(this, "labelCol", "output: the best label");
    probabilitiesCol = new Param<>(this, "probabilitiesCol", "output: softmax over the labels");
    embeddingCol = new Param<>(this, "embeddingCol", "output: image embedding; empty: none");
    errorCol = new Param<>(this, "errorCol", "output: why a row has no score, else null");
    setDefault(imageCol, "blob");
    setDefault(textCol, "");
    setDefault(labels, new String[0]);
    setDefault(batchSize, 32);
    setDefault(downloadThreads, 8);
    setDefault(downloadTimeoutMs, 60_000);
    setDefault(threads, 0);
    setDefault(useCuda, true);
    setDefault(useFrames, true);
    setDefault(reducedScaleDecoding, false);
    setDefault(scoreCol, "clip_score");
    setDefault(cosineCol, "clip_cosine");
    setDefault(labelCol, "clip_label");
    setDefault(probabilitiesCol, "clip_probabilities");
    setDefault(embeddingCol, "");
    setDefault(errorCol, "clip_error");
  }

  @Override
  public String uid() {
    return uid;
  }

  // Spark ML finds params through public no-argument methods returning Param.

  public Param<String> modelPath() {
    return modelPath;
  }

  public Param<String> imageCol() {
    return imageCol;
  }

  public Param<String> textCol() {
    return textCol;
  }

  public StringArrayParam labels() {
    return labels;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam downloadThreads() {
    return downloadThreads;
  }

  public IntParam downloadTimeoutMs() {
    return downloadTimeoutMs;
  }

  public IntParam threads() {
    return threads;
  }

  public BooleanParam useCuda() {
    return useCuda;
  }

  public BooleanParam useFrames() {
    return useFrames;
  }

  public BooleanParam reducedScaleDecoding() {
    return reducedScaleDecoding;
  }

  public Param<String> scoreCol() {
    return scoreCol;
  }

  public Param<String> cosineCol() {
    return cosineCol;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> probabilitiesCol() {
    return probabilitiesCol;
  }

  public Param<String> embeddingCol() {
    return embeddingCol;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public ClipScorer setModelPath(String value) {
    set(modelPath, value);
    return this;
  }

  public ClipScorer setImageCol(String value) {
    set(imageCol, value);
    return this;
  }

  public ClipScorer setTextCol(String value) {
    set(textCol, value);
    return this;
  }

  public ClipScorer setLabels(String... value) {
    set(labels, value);
    return this;
  }

  public ClipScorer setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  public ClipScorer setDownloadThreads(int value) {
    set(downloadThreads, value);
    return this;
  }

  public ClipScorer setDownloadTimeoutMs(int value) {
    set(downloadTimeoutMs, value);
    return this;
  }

  public ClipScorer setThreads(int value) {
    set(threads, value);
    return this;
  }

  public ClipScorer setUseCuda(boolean value) {
    set(useCuda, value);
    return this;
  }

  public ClipScorer setUseFrames(boolean value) {
    set(useFrames, value);
    return this;
  }

  /**
   * Decodes JPEGs whose short side is at least twice the model's input size at 1/2, 1/4 or 1/8 of
   * their size (as Pillow's {@code draft} would): several times faster for photographs, with
   * embeddings that differ slightly from the default Pillow-exact path. Off by default.
   */
  public ClipScorer setReducedScaleDecoding(boolean value) {
    set(reducedScaleDecoding, value);
    return this;
  }

  public ClipScorer setScoreCol(String value) {
    set(scoreCol, value);
    return this;
  }

  public ClipScorer setCosineCol(String value) {
    set(cosineCol, value);
    return this;
  }

  public ClipScorer setLabelCol(String value) {
    set(labelCol, value);
    return this;
  }

  public ClipScorer setProbabilitiesCol(String value) {
    set(probabilitiesCol, value);
    return this;
  }

  public ClipScorer setEmbeddingCol(String value) {
    set(embeddingCol, value);
    return this;
  }

  public ClipScorer setErrorCol(String value) {
    set(errorCol, value);
    return this;
  }

  /**
   * Sends {@code apiKey} with image downloads from the CoreViz endpoint's own host (scheme, host
   * and port of {@code endpoint}); never to any other host. CoreViz blob URLs are public, so this
   * is only for deployments that serve blobs behind the API. Not saved with the stage.
   */
  public ClipScorer setApiKey(String endpoint, String apiKey) {
    return setCredentials(endpoint, Credentials.apiKey(apiKey));
  }

  /**
   * {@link #setApiKey} for any credentials the connector resolves (a key, a key file read on each
   * executor, a Bearer token), e.g. a read's own: {@code ReadOptions.parse(…).client()}.
   */
  public ClipScorer setCredentials(String endpoint, Credentials credentials) {
    this.endpoint = endpoint;
    this.credentials = credentials;
    return this;
  }

  /** Rows of the last {@link #transform} without a score (after an action has run it). */
  public long failedRows() {
    return failedRows == null ? 0 : failedRows.sum();
  }

  /** Downloads sent again (a broken connection, 429 or 5xx) by the last {@link #transform}. */
  public long downloadRetries() {
    return downloadRetries == null ? 0 : downloadRetries.sum();
  }

  private String string(Param<String> param) {
    return getOrDefault(param);
  }

  private int integer(IntParam param) {
    return (Integer) getOrDefault(param);
  }

  private boolean bool(BooleanParam param) {
    return (Boolean) getOrDefault(param);
  }

  private String[] labelList() {
    return getOrDefault(labels);
  }

  private String requiredModelPath() {
    if (!isDefined(modelPath) || string(modelPath).isBlank()) {
      throw new ConfigurationException(
          "ClipScorer needs setModelPath(...): a CLIP model directory (Optimum model.onnx or"
              + " transformers.js onnx/text_model.onnx + onnx/vision_model.onnx)");
    }
    return string(modelPath);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    requiredModelPath();
    DataType image = field(schema, string(imageCol), "imageCol").dataType();
    boolean usable =
        image == DataTypes.StringType
            || image == DataTypes.BinaryType
            || (image instanceof ArrayType array
                && (array.elementType() == DataTypes.StringType
                    || array.elementType() == DataTypes.BinaryType));
    if (!usable) {
      throw new ConfigurationException(
          "imageCol '"
              + string(imageCol)
              + "' is "
              + image.simpleString()
              + "; expected a URL (string), image bytes (binary) or an array of either");
    }
    boolean text = !string(textCol).isEmpty();
    if (text && field(schema, string(textCol), "textCol").dataType() != DataTypes.StringType) {
      throw new ConfigurationException("textCol '" + string(textCol) + "' must be a string column");
    }
    boolean labelled = labelList().length > 0;
    boolean embedding = !string(embeddingCol).isEmpty();
    if (!text && !labelled && !embedding) {
      throw new ConfigurationException(
          "ClipScorer has nothing to compute: set textCol, labels or embeddingCol");
    }
    if (text && labelled) {
      throw new ConfigurationException(
          "set either textCol or labels, not both (both would write " + string(scoreCol) + ")");
    }
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    if (text) {
      fields.add(output(schema, scoreCol, DataTypes.DoubleType));
      fields.add(output(schema, cosineCol, DataTypes.DoubleType));
    }
    if (labelled) {
      fields.add(output(schema, labelCol, DataTypes.StringType));
      fields.add(output(schema, scoreCol, DataTypes.DoubleType));
      fields.add(
          output(schema, probabilitiesCol, DataTypes.createArrayType(DataTypes.DoubleType, false)));
    }
    if (embedding) {
      fields.add(
          output(schema, embeddingCol, DataTypes.createArrayType(DataTypes.FloatType, false)));
    }
    fields.add(output(schema, errorCol, DataTypes.StringType));
    return new StructType(fields.toArray(new StructField[0]));
  }

  private static StructField field(StructType schema, String name, String param) {
    for (StructField field : schema.fields()) {
      if (field.name().equals(name)) {
        return field;
      }
    }
    throw new ConfigurationException(
        param
            + " '"
            + name
            + "' is not a column; columns: "
            + String.join(", ", schema.fieldNames()));
  }

  private StructField output(StructType schema, Param<String> param, DataType type) {
    String name = string(param);
    if (Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new ConfigurationException(
          param.name() + " '" + name + "' already exists in the input; choose another name");
    }
    return DataTypes.createStructField(name, type, true);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    Dataset<Row> input = dataset.toDF();
    int width = input.schema().size();
    Dataset<Row> withImages = input.withColumn("__clip_images", images(input));
    SparkSession spark = dataset.sparkSession();
    ScoringSpec spec = spec(spark);
    failedRows = spark.sparkContext().longAccumulator("ClipScorer rows without a score");
    downloadRetries = spark.sparkContext().longAccumulator("ClipScorer download retries");
    Task task =
        new Task(
            spec,
            width,
            string(textCol).isEmpty() ? -1 : input.schema().fieldIndex(string(textCol)),
            labelList(),
            !string(embeddingCol).isEmpty(),
            failedRows,
            downloadRetries);
    return withImages.mapPartitions(task, Encoders.row(outSchema));
  }

  /** The settings as shipped to executors; a model on a Hadoop filesystem takes its config. */
  ScoringSpec spec(SparkSession spark) {
    String path = requiredModelPath();
    ModelSpec model = new ModelSpec(path, integer(threads), bool(useCuda), Map.of());
    if (model.remote()) {
      Map<String, String> hadoop = new HashMap<>();
      spark.sparkContext().hadoopConfiguration().forEach(e -> hadoop.put(e.getKey(), e.getValue()));
      model = new ModelSpec(path, integer(threads), bool(useCuda), hadoop);
    }
    return new ScoringSpec(
        model,
        integer(batchSize),
        integer(downloadThreads),
        Duration.ofMillis(integer(downloadTimeoutMs)),
        endpoint,
        credentials,
        bool(reducedScaleDecoding));
  }

  /** The image column as an array of images; CoreViz videos become their frame images. */
  private Column images(Dataset<Row> input) {
    String name = string(imageCol);
    DataType type = input.schema().apply(name).dataType();
    if (type instanceof ArrayType) {
      return input.col(name);
    }
    List<String> columns = Arrays.asList(input.schema().fieldNames());
    if (bool(useFrames)
        && type == DataTypes.StringType
        && columns.contains("type")
        && columns.contains("frames")) {
      return functions.expr(
          "CASE WHEN `type` = 'video' THEN transform(`frames`, f -> f.blob) ELSE array(`"
              + name.replace("`", "``")
              + "`) END");
    }
    return functions.array(input.col(name));
  }

  /** One partition's work, serialised to the executors. */
  private record Task(
      ScoringSpec spec,
      int width,
      int textIndex,
      String[] labels,
      boolean embedding,
      LongAccumulator failed,
      LongAccumulator retries)
      implements MapPartitionsFunction<Row, Row>, Serializable {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ClipModel model = ClipModels.get(spec.model());
      float[][] labelEmbeddings = labels.length == 0 ? null : model.embedTexts(List.of(labels));
      RequestStats downloads = new RequestStats();
      TaskContext context = TaskContext.get();
      if (context != null) {
        context.addTaskCompletionListener(
            (TaskCompletionListener) c -> retries.add(downloads.retries.get()));
      }
      return spec.pipeline(rows, Task::images, downloads)
          .scored(batch -> score(model, batch, labelEmbeddings));
    }

    private static List<Object> images(Row row) {
      return ClipCall.images(row.get(row.size() - 1));
    }

    private List<Row> score(
        ClipModel model, List<ClipPipeline.Embedded<Row>> batch, float[][] labelEmbeddings) {
      float[][] texts = null;
      if (textIndex >= 0) {
        List<String> values = new ArrayList<>();
        for (ClipPipeline.Embedded<Row> item : batch) {
          if (!item.row().isNullAt(textIndex)) {
            values.add(item.row().getString(textIndex));
          }
        }
        texts = model.embedTexts(values);
      }
      List<Row> out = new ArrayList<>(batch.size());
      int nextText = 0;
      for (ClipPipeline.Embedded<Row> item : batch) {
        Row row = item.row();
        List<Object> values = new ArrayList<>(width + 6);
        for (int i = 0; i < width; i++) {
          values.add(row.get(i));
        }
        float[] image = item.embedding();
        String error = item.error();
        if (textIndex >= 0) {
          float[] text = row.isNullAt(textIndex) ? null : texts[nextText++];
          if (image != null && text == null) {
            error = "no text";
          }
          Double cosine = ClipOutputs.cosine(image, text);
          values.add(ClipOutputs.score(cosine));
          values.add(cosine);
        }
        if (labels.length > 0) {
          ClipOutputs.Labelled verdict =
              ClipOutputs.labelled(image, List.of(labels), labelEmbeddings);
          values.add(verdict == null ? null : verdict.label());
          values.add(verdict == null ? null : verdict.score());
          values.add(ClipOutputs.probabilities(verdict));
        }
        if (embedding) {
          values.add(ClipOutputs.embedding(image));
        }
        values.add(error);
        if (error != null) {
          failed.add(1);
        }
        out.add(RowFactory.create(values.toArray()));
      }
      return out;
    }
  }

  @Override
  public ClipScorer copy(ParamMap extra) {
    ClipScorer copy = defaultCopy(extra);
    copy.endpoint = endpoint;
    copy.credentials = credentials;
    return copy;
  }

  @Override
  public MLWriter write() {
    return new DefaultParamsWriter(this);
  }

  public static MLReader<ClipScorer> read() {
    return new DefaultParamsReader<>();
  }

  public static ClipScorer load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "ClipScorer[" + uid + "]";
  }
}
