package io.coreviz.spark.options;

import static io.coreviz.spark.options.CoreVizOptions.*;

import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.errors.ConfigurationException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The options of one read, parsed and validated once on the driver: a typed view over {@link
 * CoreVizOptions}, plus the checks that need two options together. Every problem is a {@link
 * ConfigurationException} naming the option, the bad value and what is valid. Past this class no
 * code reads raw option strings. {@link #toString} never shows credentials.
 */
public final class ReadOptions {

  private final Map<String, String> given;
  private final Map<OptionSpec<?>, Object> values = new HashMap<>();
  private final ClientSettings client;
  private final MediaQuery query;
  private final Set<Pushdown> pushdowns;

  /** The ways a read can be split into partitions. */
  public enum PartitionBy {
    DATE,
    FOLDER,
    OFFSET
  }

  /** The kinds of pushdown, each of which its own option (or {@code pushDown=false}) turns off. */
  public enum Pushdown {
    FILTERS(PUSH_DOWN_FILTERS),
    COLUMNS(PUSH_DOWN_COLUMNS),
    LIMIT(PUSH_DOWN_LIMIT),
    TOP_N(PUSH_DOWN_TOP_N),
    AGGREGATES(PUSH_DOWN_AGGREGATES);

    private final OptionSpec<Boolean> option;

    Pushdown(OptionSpec<Boolean> option) {
      this.option = option;
    }

    public OptionSpec<Boolean> option() {
      return option;
    }
  }

  private ReadOptions(Map<String, String> given, Credentials credentials) {
    this.given = given;
    for (OptionSpec<?> option : ALL) {
      values.put(option, option.from(given)); // every value read and checked now, used or not
    }
    String collectionId = required(COLLECTION_ID);
    this.client =
        new ClientSettings(
            endpoint(collectionId),
            credentials,
            new CallPolicy(
                value(MAX_RETRIES),
                value(RETRY_BACKOFF_MS),
                value(MAX_RETRY_BACKOFF_MS),
                value(MAX_RETRY_TIME_MS),
                value(CONNECT_TIMEOUT_MS),
                value(READ_TIMEOUT_MS),
                value(MAX_REQUESTS_PER_SECOND),
                value(MAX_CONCURRENT_REQUESTS_PER_EXECUTOR)));
    this.query = query(collectionId);
    this.pushdowns = EnumSet.noneOf(Pushdown.class);
    for (Pushdown kind : Pushdown.values()) {
      if (value(PUSH_DOWN) && value(kind.option())) {
        pushdowns.add(kind);
      }
    }
  }

  /**
   * Parses options as Spark passes them (keys matched case-insensitively).
   *
   * @param env environment lookup, for {@value CoreVizOptions#API_KEY_ENV}
   * @param conf Spark configuration lookup, for {@value CoreVizOptions#API_KEY_CONF}
   */
  public static ReadOptions parse(
      Map<String, String> options, Function<String, String> env, Function<String, String> conf) {
    Map<String, String> lower = new HashMap<>();
    options.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
    COLLECTION_ID.from(lower);
    return new ReadOptions(lower, credentials(lower, env, conf));
  }

  /** The value of {@code option}, or its default. */
  @SuppressWarnings("unchecked") // each value was read by its own option
  public <T> T value(OptionSpec<T> option) {
    if (!values.containsKey(option)) {
      throw new IllegalArgumentException(option + " is not declared in CoreVizOptions.ALL");
    }
    return (T) values.get(option);
  }

  /** The collection id as the API takes it: 32 lowercase hex digits. */
  public String collectionId() {
    return query.collectionId();
  }

  /** Where and as whom requests go, and how calls behave. */
  public ClientSettings client() {
    return client;
  }

  /** What the options ask of the API; pushdown narrows it, readers add paging. */
  public MediaQuery query() {
    return query;
  }

  /** True when {@code q} or {@code similarToObjectId} asks for relevance-ranked results. */
  public boolean scored() {
    return query.scored();
  }

  public int pageSize() {
    return value(PAGE_SIZE);
  }

  public int itemsPerPartition() {
    return value(ITEMS_PER_PARTITION);
  }

  public PartitionBy partitionBy() {
    return value(PARTITION_BY);
  }

  /** The most partitions a read may have; {@link Integer#MAX_VALUE} when unlimited. */
  public int numPartitions() {
    return value(NUM_PARTITIONS);
  }

  /** True when the user says the service sorts strings by code point, as Spark does. */
  public boolean serverSortsByCodePoint() {
    return value(SERVER_SORTS_BY_CODE_POINT);
  }

  /** True unless the option for this kind (or {@code pushDown=false}) turned it off. */
  public boolean pushes(Pushdown kind) {
    return pushdowns.contains(kind);
  }

  @Override
  public String toString() {
    return "ReadOptions[endpoint="
        + client.endpoint()
        + ", query="
        + query
        + ", pageSize="
        + pageSize()
        + ", itemsPerPartition="
        + itemsPerPartition()
        + ", partitionBy="
        + partitionBy()
        + ", pushdown="
        + pushdowns
        + ", credentials="
        + client.credentials()
        + "]";
  }

  private String required(OptionSpec<String> option) {
    String value = value(option);
    if (value == null) {
      throw new ConfigurationException(
          option.name(),
          null,
          "Missing option '"
              + option.name()
              + "': set it to the collection's UUID, "
              + "e.g. .option(\""
              + option.name()
              + "\", \"0f8fad5b-d9cb-469f-a165-70867728950e\")");
    }
    return value;
  }

  private String endpoint(String collectionId) {
    String endpoint = value(ENDPOINT);
    java.net.URI uri = java.net.URI.create(endpoint);
    if (uri.getScheme().equalsIgnoreCase("http")
        && !value(ALLOW_INSECURE_HTTP)
        && !loopback(uri.getHost())) {
      throw ConfigurationException.invalid(
          ENDPOINT.name(),
          endpoint,
          "plain http sends the API key unencrypted: use https, or set "
              + ALLOW_INSECURE_HTTP.name()
              + "=true (http is accepted without it only on the loopback interface)");
    }
    return endpoint;
  }

  private static boolean loopback(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return bare.equalsIgnoreCase("localhost")
        || bare.startsWith("127.")
        || bare.equals("::1")
        || bare.equals("0:0:0:0:0:0:0:1");
  }

  private static Credentials credentials(
      Map<String, String> given, Function<String, String> env, Function<String, String> conf) {
    String apiKey = API_KEY.from(given);
    String keyFile = API_KEY_FILE.from(given);
    String token = BEARER_TOKEN.from(given);
    List<String> set = new ArrayList<>();
    for (var option : List.of(API_KEY, API_KEY_FILE, BEARER_TOKEN)) {
      if (option.from(given) != null) {
        set.add("'" + option.name() + "'");
      }
    }
    if (set.size() > 1) {
      throw new ConfigurationException(
          API_KEY.name(),
          null,
          "Options "
              + String.join(" and ", set)
              + (set.size() == 2 ? " are both set" : " are all set")
              + ": set only one");
    }
    if (keyFile != null) {
      try {
        return Credentials.apiKeyFile(java.nio.file.Path.of(keyFile));
      } catch (IllegalArgumentException e) { // an unreadable file, or not a path
        throw ConfigurationException.invalid(
            API_KEY_FILE.name(),
            keyFile,
            e.getMessage() + ": give the path of a readable file that holds the key");
      }
    }
    if (token != null) {
      return Credentials.bearerToken(token);
    }
    if (apiKey == null) {
      apiKey = blankToNull(env.apply(API_KEY_ENV));
    }
    if (apiKey == null) {
      apiKey = blankToNull(conf.apply(API_KEY_CONF));
    }
    if (apiKey == null) {
      throw new ConfigurationException(
          API_KEY.name(),
          null,
          "No CoreViz credentials: set the option '"
              + API_KEY.name()
              + "' or '"
              + BEARER_TOKEN.name()
              + "', the environment variable "
              + API_KEY_ENV
              + ", or the Spark setting "
              + API_KEY_CONF);
    }
    return Credentials.apiKey(apiKey);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  private MediaQuery query(String collectionId) {
    boolean scored = value(Q) != null || value(SIMILAR_TO_OBJECT_ID) != null;
    String model = value(SIMILAR_TO_OBJECT_MODEL);
    if (model != null && value(SIMILAR_TO_OBJECT_ID) == null) {
      throw ConfigurationException.invalid(
          SIMILAR_TO_OBJECT_MODEL.name(),
          model,
          "it is used only together with " + SIMILAR_TO_OBJECT_ID.name());
    }
    Double minScore = value(MIN_SCORE);
    if (minScore != null && !scored) {
      throw ConfigurationException.invalid(
          MIN_SCORE.name(),
          MIN_SCORE.raw(given),
          "it is used only together with " + Q.name() + " or " + SIMILAR_TO_OBJECT_ID.name());
    }
    LocalDate from = value(DATE_FROM);
    LocalDate to = value(DATE_TO);
    if (from != null && to != null && from.isAfter(to)) {
      throw ConfigurationException.invalid(
          DATE_TO.name(),
          to.toString(),
          "it must not be before " + DATE_FROM.name() + " (" + from + ")");
    }
    for (OptionSpec<String> sort : List.of(SORT_BY, SORT_DIRECTION)) {
      if (scored && sort.isSet(given)) {
        throw ConfigurationException.invalid(
            sort.name(),
            value(sort),
            "scored reads ("
                + Q.name()
                + ", "
                + SIMILAR_TO_OBJECT_ID.name()
                + ") are ordered by relevance");
      }
    }
    String path = value(PATH);
    if (path != null && !path.equals(collectionId) && !path.startsWith(collectionId + ".")) {
      throw ConfigurationException.invalid(
          PATH.name(), path, "it must start with the collection id " + collectionId);
    }
    String type = value(TYPE);
    return MediaQuery.of(collectionId)
        .withPath(path, value(RECURSIVE))
        .withType("all".equals(type) ? null : type)
        .withDates(from, to)
        .withTags(
            value(TAGS) == null ? List.of() : value(TAGS),
            value(TAG_FILTERS) == null ? Map.of() : value(TAG_FILTERS))
        .withMediaId(value(MEDIA_ID))
        // A fixed, explicit order keeps offset ranges stable while items are appended.
        .withSort(new MediaQuery.Sort(value(SORT_BY), value(SORT_DIRECTION).equals("asc")))
        .withSearch(value(CLUSTER_ID), value(Q), value(SIMILAR_TO_OBJECT_ID), model, minScore);
  }
}
