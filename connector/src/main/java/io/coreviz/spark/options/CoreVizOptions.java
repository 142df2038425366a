package io.coreviz.spark.options;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.errors.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every option of {@code spark.read.format("coreviz")}, each declared once: name, type, default,
 * validation and a line of documentation ({@link OptionSpec}). The options table in docs/reading.md
 * is checked against {@link #ALL}. Checks that need two options together live in {@link
 * ReadOptions}.
 */
public final class CoreVizOptions {

  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final CallPolicy CALLS = CallPolicy.DEFAULT;

  /** Environment variable holding the API key when no option sets one. */
  public static final String API_KEY_ENV = "COREVIZ_API_KEY";

  /** Spark setting holding the API key when neither an option nor the environment does. */
  public static final String API_KEY_CONF = "spark.coreviz.apiKey";

  public static final String DEFAULT_ENDPOINT = "https://lab.coreviz.io";

  public static final OptionSpec<String> COLLECTION_ID =
      OptionSpec.of(
          "collectionId",
          null,
          "required",
          "the collection's UUID, with or without hyphens",
          CoreVizOptions::collectionId);

  public static final OptionSpec<String> API_KEY =
      OptionSpec.text("apiKey", "API key, sent as x-api-key")
          .shownAs("env `" + API_KEY_ENV + "`, then conf `" + API_KEY_CONF + "`");

  public static final OptionSpec<String> API_KEY_FILE =
      OptionSpec.text(
          "apiKeyFile",
          "path of a file holding the API key (a mounted secret), read by the driver and each"
              + " executor; only the path travels with the tasks");

  public static final OptionSpec<String> BEARER_TOKEN =
      OptionSpec.text("bearerToken", "alternative to apiKey: Authorization: Bearer …");

  public static final OptionSpec<String> ENDPOINT =
      OptionSpec.of(
          "endpoint",
          DEFAULT_ENDPOINT,
          "`" + DEFAULT_ENDPOINT + "`",
          "base URL of the service",
          CoreVizOptions::endpoint);

  public static final OptionSpec<String> PATH =
      OptionSpec.of(
          "path",
          null,
          "the collection root",
          "ltree path to read under: <collectionId>.<folderId>…",
          (name, value) -> {
            if (!MediaQuery.LTREE.matcher(value).matches()) {
              throw ConfigurationException.invalid(
                  name,
                  value,
                  "expected an ltree path of labels (letters, digits, _) joined by dots, "
                      + "e.g. <collectionId>.<folderId>");
            }
            return value;
          });

  public static final OptionSpec<Boolean> RECURSIVE =
      OptionSpec.bool("recursive", true, "true: the whole subtree; false: one level");

  public static final OptionSpec<String> TYPE =
      OptionSpec.oneOf(
          "type", "all", List.of("image", "video", "folder", "all"), "the items' type");

  public static final OptionSpec<LocalDate> DATE_FROM =
      OptionSpec.day("dateFrom", "the service's first day of createdAt, inclusive");

  public static final OptionSpec<LocalDate> DATE_TO =
      OptionSpec.day("dateTo", "the service's last day of createdAt, inclusive");

  public static final OptionSpec<List<String>> TAGS =
      OptionSpec.of("tags", null, "", "comma-separated tag values", CoreVizOptions::tags);

  public static final OptionSpec<Map<String, Set<String>>> TAG_FILTERS =
      OptionSpec.of(
          "tagFilters",
          null,
          "",
          "JSON of tag group to values: AND between groups, OR within",
          CoreVizOptions::tagFilters);

  public static final OptionSpec<String> MEDIA_ID = OptionSpec.text("mediaId", "only this item");

  public static final OptionSpec<String> CLUSTER_ID =
      OptionSpec.text("clusterId", "items whose objects belong to this cluster");

  public static final OptionSpec<String> SORT_BY =
      OptionSpec.oneOf(
          "sortBy",
          MediaQuery.Sort.CREATED_AT,
          List.of("name", MediaQuery.Sort.CREATED_AT, "type", "description", "prompt"),
          "the API's sort (browse mode)");

  public static final OptionSpec<String> SORT_DIRECTION =
      OptionSpec.oneOf("sortDirection", "asc", List.of("asc", "desc"), "the API's sort direction");

  public static final OptionSpec<String> Q = OptionSpec.text("q", "text search: scored mode");

  public static final OptionSpec<String> SIMILAR_TO_OBJECT_ID =
      OptionSpec.text("similarToObjectId", "items similar to this object: scored mode");

  public static final OptionSpec<String> SIMILAR_TO_OBJECT_MODEL =
      OptionSpec.oneOf(
              "similarToObjectModel",
              null,
              List.of("faces", "objects", "shoeprints"),
              "the embedding model of similarToObjectId")
          .shownAs("the object's own");

  public static final OptionSpec<Double> MIN_SCORE =
      OptionSpec.number("minScore", "the service's (0.05)", "minimum _score (scored mode)");

  /** The largest accepted {@link #PAGE_SIZE}. */
  public static final int MAX_PAGE_SIZE = 10_000;

  public static final OptionSpec<Integer> PAGE_SIZE =
      OptionSpec.integer("pageSize", 100, 1, MAX_PAGE_SIZE, "items per request");

  public static final OptionSpec<Integer> ITEMS_PER_PARTITION =
      OptionSpec.integer(
          "itemsPerPartition", 20_000, 1, Integer.MAX_VALUE, "target items per Spark partition");

  public static final OptionSpec<ReadOptions.PartitionBy> PARTITION_BY =
      OptionSpec.choice(
          "partitionBy",
          ReadOptions.PartitionBy.DATE,
          ReadOptions.PartitionBy.class,
          "how a read is split: date, folder or offset");

  public static final OptionSpec<Integer> NUM_PARTITIONS =
      OptionSpec.integer(
              "numPartitions",
              Integer.MAX_VALUE,
              1,
              Integer.MAX_VALUE,
              "the most partitions a read is split into")
          .shownAs("unlimited");

  public static final OptionSpec<Integer> MAX_CONCURRENT_REQUESTS =
      OptionSpec.integer(
          "maxConcurrentRequests",
          8,
          1,
          64,
          "requests a task keeps in flight, over the segments of its partition");

  public static final OptionSpec<Integer> MAX_CONTENT_BYTES =
      OptionSpec.integer(
          "maxContentBytes",
          64 << 20,
          1,
          1 << 30,
          "the largest blob the content column holds; a larger one is null, content_error"
              + " too_large");

  public static final OptionSpec<Boolean> STRICT_CONTENT =
      OptionSpec.bool(
          "strictContent",
          false,
          "true: a blob that cannot be the content column (unavailable, too large, not sizeBytes"
              + " long) fails the query instead of a null and its content_error");

  public static final OptionSpec<Boolean> REUSE_PLANS =
      OptionSpec.bool(
          "reusePlans",
          true,
          "partitionBy=date: the driver's next plan of the same read counts the last plan's date"
              + " windows in its first round of probes");

  public static final OptionSpec<Boolean> PUSH_DOWN =
      OptionSpec.bool("pushDown", true, "false turns every kind of pushdown off");

  public static final OptionSpec<Boolean> PUSH_DOWN_FILTERS =
      OptionSpec.bool("pushDownFilters", true, "filters to API parameters");

  public static final OptionSpec<Boolean> PUSH_DOWN_COLUMNS =
      OptionSpec.bool("pushDownColumns", true, "skipping unread columns while parsing");

  public static final OptionSpec<Boolean> PUSH_DOWN_LIMIT =
      OptionSpec.bool("pushDownLimit", true, "LIMIT n to about n/pageSize requests");

  public static final OptionSpec<Boolean> PUSH_DOWN_TOP_N =
      OptionSpec.bool("pushDownTopN", true, "ORDER BY … LIMIT n to the API's sort");

  public static final OptionSpec<Boolean> PUSH_DOWN_AGGREGATES =
      OptionSpec.bool("pushDownAggregates", true, "count(*) to pagination.total");

  public static final OptionSpec<Boolean> SERVER_SORTS_BY_CODE_POINT =
      OptionSpec.bool(
          "serverSortsByCodePoint",
          false,
          "true: the service sorts strings by code point, so ORDER BY name|type LIMIT n is pushed");

  public static final OptionSpec<Integer> MAX_RETRIES =
      OptionSpec.integer(
          "maxRetries",
          CALLS.maxRetries(),
          0,
          100,
          "retries of 429, 5xx and broken connections (refused, reset, cut or stalled bodies)");

  public static final OptionSpec<Duration> RETRY_BACKOFF_MS =
      OptionSpec.millis(
          "retryBackoffMs",
          CALLS.initialBackoff(),
          0,
          600_000,
          "the first retry's backoff ceiling, doubled per retry (equal jitter)");

  public static final OptionSpec<Duration> MAX_RETRY_BACKOFF_MS =
      OptionSpec.millis(
          "maxRetryBackoffMs", CALLS.maxBackoff(), 0, 3_600_000, "the largest backoff");

  public static final OptionSpec<Duration> MAX_RETRY_TIME_MS =
      OptionSpec.millis(
          "maxRetryTimeMs",
          CALLS.maxRetryTime(),
          0,
          86_400_000,
          "the most time one request may take, retries and waits included");

  public static final OptionSpec<Duration> CONNECT_TIMEOUT_MS =
      OptionSpec.millis(
          "connectTimeoutMs", CALLS.connectTimeout(), 1, 3_600_000, "connect timeout");

  public static final OptionSpec<Duration> READ_TIMEOUT_MS =
      OptionSpec.millis("readTimeoutMs", CALLS.readTimeout(), 1, 3_600_000, "read timeout");

  public static final OptionSpec<Double> MAX_REQUESTS_PER_SECOND =
      OptionSpec.positive(
              "maxRequestsPerSecond",
              CALLS.maxRequestsPerSecond(),
              "20",
              "request-rate cap per executor JVM and endpoint host")
          .shownAs("unlimited");

  public static final OptionSpec<Integer> MAX_CONCURRENT_REQUESTS_PER_EXECUTOR =
      OptionSpec.integer(
          "maxConcurrentRequestsPerExecutor",
          CALLS.maxConcurrentRequestsPerExecutor(),
          1,
          1024,
          "requests in flight per executor JVM and endpoint host, all tasks together; adapts"
              + " below it when the host answers 429 or 503");

  public static final OptionSpec<Long> STARTING_TIMESTAMP =
      OptionSpec.of(
          "startingTimestamp",
          null,
          "earliest",
          "streaming reads: the first createdAt read, an ISO-8601 instant"
              + " (`2026-11-30T00:00:00Z`), `earliest`, or `latest`",
          CoreVizOptions::startingTimestamp);

  /**
   * {@link #STARTING_TIMESTAMP} {@code latest}: only what is created after the first run starts.
   */
  public static final long LATEST = Long.MAX_VALUE;

  public static final OptionSpec<Integer> MAX_ITEMS_PER_TRIGGER =
      OptionSpec.integer(
          "maxItemsPerTrigger",
          1_000_000,
          1,
          Integer.MAX_VALUE,
          "streaming reads: about the most items a micro-batch reads (the items of one instant"
              + " stay together)");

  public static final OptionSpec<Boolean> ALLOW_INSECURE_HTTP =
      OptionSpec.bool(
          "allowInsecureHttp", false, "allow an http:// endpoint off the loopback interface");

  /** Every option, in the options table's order. */
  public static final List<OptionSpec<?>> ALL =
      List.of(
          COLLECTION_ID,
          API_KEY,
          API_KEY_FILE,
          BEARER_TOKEN,
          ENDPOINT,
          PATH,
          RECURSIVE,
          TYPE,
          DATE_FROM,
          DATE_TO,
          TAGS,
          TAG_FILTERS,
          MEDIA_ID,
          CLUSTER_ID,
          SORT_BY,
          SORT_DIRECTION,
          Q,
          SIMILAR_TO_OBJECT_ID,
          SIMILAR_TO_OBJECT_MODEL,
          MIN_SCORE,
          PAGE_SIZE,
          ITEMS_PER_PARTITION,
          PARTITION_BY,
          NUM_PARTITIONS,
          MAX_CONCURRENT_REQUESTS,
          MAX_CONTENT_BYTES,
          STRICT_CONTENT,
          REUSE_PLANS,
          PUSH_DOWN,
          PUSH_DOWN_FILTERS,
          PUSH_DOWN_COLUMNS,
          PUSH_DOWN_LIMIT,
          PUSH_DOWN_TOP_N,
          PUSH_DOWN_AGGREGATES,
          SERVER_SORTS_BY_CODE_POINT,
          MAX_RETRIES,
          RETRY_BACKOFF_MS,
          MAX_RETRY_BACKOFF_MS,
          MAX_RETRY_TIME_MS,
          CONNECT_TIMEOUT_MS,
          READ_TIMEOUT_MS,
          MAX_REQUESTS_PER_SECOND,
          MAX_CONCURRENT_REQUESTS_PER_EXECUTOR,
          ALLOW_INSECURE_HTTP,
          STARTING_TIMESTAMP,
          MAX_ITEMS_PER_TRIGGER);

  private CoreVizOptions() {}

  private static String collectionId(String name, String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    if (HEX32.matcher(lower).matches()) {
      return lower;
    }
    if (UUID.matcher(lower).matches()) {
      return lower.replace("-", "");
    }
    throw ConfigurationException.invalid(
        name, value, "expected a UUID, with or without hyphens (32 hex digits)");
  }

  /** The shape of the URL; whether plain http is allowed is {@link ReadOptions}' to check. */
  private static String endpoint(String name, String value) {
    String expected = "expected an http(s) base URL such as " + DEFAULT_ENDPOINT;
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw ConfigurationException.invalid(name, value, expected);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!Set.of("http", "https").contains(scheme) || uri.getHost() == null) {
      throw ConfigurationException.invalid(name, value, expected);
    }
    if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
      // The value may hold a password: it is not shown.
      throw new ConfigurationException(
          name,
          null,
          "Invalid option '"
              + name
              + "' = '(not shown)': "
              + expected
              + ", without user info, query or fragment");
    }
    return value.replaceAll("/+$", "");
  }

  private static List<String> tags(String name, String value) {
    List<String> tags = new ArrayList<>();
    for (String tag : value.split(",")) {
      if (tag.isBlank()) {
        throw ConfigurationException.invalid(
            name,
            value,
            "expected comma-separated tag values without empty entries, e.g. red,blue");
      }
      tags.add(tag.trim());
    }
    return List.copyOf(tags);
  }

  private static Map<String, Set<String>> tagFilters(String name, String value) {
    String expected =
        "expected a JSON object of tag group to an array of values, "
            + "e.g. {\"color\":[\"red\",\"blue\"],\"season\":[\"spring\"]}";
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw ConfigurationException.invalid(name, value, "it is not valid JSON; " + expected);
    }
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw ConfigurationException.invalid(name, value, expected);
    }
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> group : root.properties()) {
      JsonNode values = group.getValue();
      if (!values.isArray() || values.isEmpty()) {
        throw ConfigurationException.invalid(
            name, value, "group '" + group.getKey() + "' is not a non-empty array; " + expected);
      }
      Set<String> tags = new LinkedHashSet<>();
      for (JsonNode tag : values) {
        if (!tag.isTextual()) {
          throw ConfigurationException.invalid(
              name, value, "group '" + group.getKey() + "' holds " + tag + "; " + expected);
        }
        tags.add(tag.asText());
      }
      groups.put(group.getKey(), Collections.unmodifiableSet(tags));
    }
    return Collections.unmodifiableMap(groups);
  }

  /** Microseconds since the epoch, or null for {@code earliest}. */
  private static Long startingTimestamp(String name, String value) {
    if (value.equalsIgnoreCase("earliest")) {
      return null;
    }
    if (value.equalsIgnoreCase("latest")) {
      return LATEST;
    }
    try {
      java.time.Instant instant = java.time.OffsetDateTime.parse(value).toInstant();
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
      throw ConfigurationException.invalid(
          name,
          value,
          "expected earliest, latest or an ISO-8601 instant with a zone, e.g."
              + " 2026-11-30T00:00:00Z");
    }
  }
}
