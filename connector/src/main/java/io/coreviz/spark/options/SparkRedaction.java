package io.coreviz.spark.options;

import io.coreviz.spark.errors.ConfigurationException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Credentials read from Spark settings must be settings Spark redacts. Spark copies session
 * settings into every job's properties, which the event log and the History Server keep; it redacts
 * there only settings of the cluster's own configuration (fixed when the context starts) whose
 * names match {@code spark.redaction.regex}. A setting made with {@code spark.conf.set}, or one
 * whose name the regex misses (its default misses {@code apiKey}), would be shown in full: such a
 * credential is refused, with what to do instead.
 */
public final class SparkRedaction {

  /** Spark's default {@code spark.redaction.regex}. */
  public static final String DEFAULT_REGEX = "(?i)secret|password|token|access[.]?key";

  private SparkRedaction() {}

  /** The session's settings, refusing a credential Spark would not redact. */
  public static Function<String, String> settings(Option<SparkSession> session) {
    return key -> {
      if (session.isEmpty()) {
        return null;
      }
      String value = session.get().conf().get(key, null);
      if (value != null) {
        require(session.get(), key, value);
      }
      return value;
    };
  }

  /** Fails unless Spark redacts the credential {@code value} of setting {@code key}. */
  public static void require(SparkSession session, String key, String value) {
    SparkConf cluster = session.sparkContext().getConf();
    String regex = cluster.get("spark.redaction.regex", DEFAULT_REGEX);
    if (!Pattern.compile(regex).matcher(key).find()) {
      throw new ConfigurationException(
          "The Spark setting '"
              + key
              + "' holds a CoreViz credential, but Spark would show it unredacted in job"
              + " properties, the event log and the UI: spark.redaction.regex is '"
              + regex
              + "'. Add apikey to it in the cluster's Spark config, e.g. spark.redaction.regex="
              + DEFAULT_REGEX
              + "|apikey, or pass the key in the environment variable "
              + CoreVizOptions.API_KEY_ENV
              + " or as the read option apiKey");
    }
    if (!value.equals(cluster.get(key, null))) {
      throw new ConfigurationException(
          "The Spark setting '"
              + key
              + "' holds a CoreViz credential set on the session (spark.conf.set or SET), which"
              + " Spark writes unredacted into every job's properties in the event log: set it in"
              + " the cluster's Spark config instead (fixed when the cluster starts), or pass the"
              + " key in the environment variable "
              + CoreVizOptions.API_KEY_ENV
              + " or as the read option apiKey");
    }
  }
}
