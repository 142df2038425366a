package io.coreviz.examples;

import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.options.SparkRedaction;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The endpoint, credentials and retry policy of the job's own downloads (blob checks, CLIP),
 * resolved exactly as a {@code coreviz} read resolves them from the same options: the {@code
 * apiKey}, {@code apiKeyFile} and {@code bearerToken} options, then {@code COREVIZ_API_KEY}, then
 * the {@code spark.coreviz.apiKey} setting (refused, as for a read, where Spark would not redact
 * it).
 */
final class JobClient {

  private JobClient() {}

  static ClientSettings of(SparkSession spark, Map<String, String> options) {
    return ReadOptions.parse(options, System::getenv, SparkRedaction.settings(Option.apply(spark)))
        .client();
  }
}
