package io.coreviz.spark.clip.pipeline;

import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.image.ImageFetcher;
import io.coreviz.spark.clip.model.ClipModels;
import io.coreviz.spark.clip.model.ModelSpec;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import okhttp3.HttpUrl;

/**
 * Everything an executor needs to score a partition, shipped with the task: the model, batching and
 * download settings, and the CoreViz endpoint and credentials (used only for blob URLs on the
 * endpoint's own host; {@link Credentials#toString()} never shows the secret), and whether large
 * JPEGs are decoded at a reduced scale ({@link
 * io.coreviz.spark.clip.image.ImagePreprocessor#preprocess(byte[], float[], int, boolean)}).
 */
public record ScoringSpec(
    ModelSpec model,
    int batchSize,
    int downloadThreads,
    Duration downloadTimeout,
    String endpoint,
    Credentials credentials,
    boolean reducedScale)
    implements Serializable {

  public ScoringSpec {
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigurationException("batchSize must be between 1 and 4096: " + batchSize);
    }
    if (downloadThreads < 1 || downloadThreads > 256) {
      throw new ConfigurationException(
          "downloadThreads must be between 1 and 256: " + downloadThreads);
    }
    if (downloadTimeout.isNegative() || downloadTimeout.isZero()) {
      throw new ConfigurationException(
          "downloadTimeoutMs must be positive: " + downloadTimeout.toMillis());
    }
    if (endpoint != null && HttpUrl.parse(endpoint) == null) {
      throw new ConfigurationException("endpoint is not an http(s) URL: " + endpoint);
    }
  }

  ImageFetcher fetcher() {
    CallPolicy calls = CallPolicy.DEFAULT;
    return new ImageFetcher(
        endpoint == null ? null : HttpUrl.parse(endpoint),
        credentials,
        new CallPolicy(
            calls.maxRetries(),
            calls.initialBackoff(),
            calls.maxBackoff(),
            calls.maxRetryTime(),
            calls.connectTimeout(),
            downloadTimeout,
            calls.maxRequestsPerSecond(),
            calls.maxConcurrentRequestsPerExecutor()),
        downloadTimeout);
  }

  /** One fetcher (one OkHttp client view) per download setting in this JVM. */
  private static final class Fetchers {
    private static final Map<List<Object>, ImageFetcher> FETCHERS = new ConcurrentHashMap<>();

    static ImageFetcher get(ScoringSpec spec) {
      List<Object> key = Arrays.asList(spec.endpoint, spec.credentials, spec.downloadTimeout);
      return FETCHERS.computeIfAbsent(key, k -> spec.fetcher());
    }
  }

  /**
   * One row's images embedded at once, in the calling thread, without batching: for calls Spark
   * evaluates per row.
   */
  public ClipPipeline.Embedded<Object> embedNow(List<Object> images) {
    try (ClipPipeline<Object> single =
        new ClipPipeline<>(
            List.<Object>of(images).iterator(),
            row -> images,
            ClipModels.get(model),
            Fetchers.get(this),
            new RequestStats(),
            1,
            0,
            reducedScale)) {
      return single.next().get(0);
    }
  }

  public <T> ClipPipeline<T> pipeline(Iterator<T> rows, Function<T, List<Object>> images) {
    return pipeline(rows, images, new RequestStats());
  }

  /** A pipeline whose downloads are counted in {@code downloads}. */
  public <T> ClipPipeline<T> pipeline(
      Iterator<T> rows, Function<T, List<Object>> images, RequestStats downloads) {
    return new ClipPipeline<>(
        rows,
        images,
        ClipModels.get(model),
        Fetchers.get(this),
        downloads,
        batchSize,
        downloadThreads,
        reducedScale);
  }
}
