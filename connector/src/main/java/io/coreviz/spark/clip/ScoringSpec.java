package io.coreviz.spark.clip;

import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.Serializable;
import java.time.Duration;
import okhttp3.HttpUrl;

/**
 * Everything an executor needs to score a partition, shipped with the task: the model, batching and
 * download settings, and the CoreViz endpoint and credentials (used only for blob URLs on the
 * endpoint's own host; {@link Credentials#toString()} never shows the secret).
 */
record ScoringSpec(
    ModelSpec model,
    int batchSize,
    int downloadThreads,
    Duration downloadTimeout,
    String endpoint,
    Credentials credentials)
    implements Serializable {

  ScoringSpec {
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigurationException("batchSize must be between 1 and 4096: " + batchSize);
    }
    if (downloadThreads < 1 || downloadThreads > 256) {
      throw new ConfigurationException(
          "downloadThreads must be between 1 and 256: " + downloadThreads);
    }
    if (endpoint != null && HttpUrl.parse(endpoint) == null) {
      throw new ConfigurationException("endpoint is not an http(s) URL: " + endpoint);
    }
  }

  ImageFetcher fetcher() {
    return new ImageFetcher(
        endpoint == null ? null : HttpUrl.parse(endpoint), credentials, downloadTimeout);
  }

  <T> ClipPipeline<T> pipeline(
      java.util.Iterator<T> rows, java.util.function.Function<T, java.util.List<Object>> images) {
    return new ClipPipeline<>(
        rows, images, ClipModels.get(model), fetcher(), batchSize, downloadThreads);
  }
}
