package io.coreviz.spark;

import static io.coreviz.spark.CoreVizOptions.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The options of one read, parsed and validated once on the driver. Every problem is a {@link
 * ConfigurationException} naming the option, the bad value and what is valid. Past this class no
 * code reads raw option strings. {@link #toString} never shows credentials.
 */
public final class ReadOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final Pattern HEX32 = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern UUID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern LTREE = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
  private static final List<String> TYPES = List.of("image", "video", "folder", "all");
  private static final List<String> SORT_FIELDS =
      List.of("name", "createdAt", "type", "description", "prompt");
  private static final List<String> MODELS = List.of("faces", "objects", "shoeprints");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String collectionId;
  private final Credentials credentials;
  private final String endpoint;
  private final MediaRequest request;
  private final boolean scored;
  private final int pageSize;
  private final int itemsPerPartition;
  private final PartitionBy partitionBy;
  private final int numPartitions;
  private final Set<Pushdown> pushdowns;
  private final boolean codePointSort;
  private final CallPolicy callPolicy;

  /** The ways a read can be split into partitions. */
  public enum PartitionBy {
    DATE,
    FOLDER,
    OFFSET
  }

  /** The kinds of pushdown, each of which an option can turn off. */
  public enum Pushdown {
    FILTERS,
    COLUMNS,
    LIMIT,
    TOP_N,
    AGGREGATES
  }

  private ReadOptions(Parser p) {
    this.collectionId = p.collectionId;
    this.credentials = p.credentials;
    this.endpoint = p.endpoint;
    this.request = p.request;
    this.scored = p.scored;
    this.pageSize = p.pageSize;
    this.itemsPerPartition = p.itemsPerPartition;
    this.partitionBy = p.partitionBy;
    this.numPartitions = p.numPartitions;
    this.pushdowns = p.pushdowns;
    this.codePointSort = p.codePointSort;
    this.callPolicy = p.callPolicy;
  }

  /**
   * Parses options as Spark passes them (keys matched case-insensitively).
   *
   * @param env environment lookup, for {@value CoreVizOptions#API_KEY_ENV}
   * @param conf Spark configuration lookup, for {@value CoreVizOptions#API_KEY_CONF}
   */
  public static ReadOptions parse(
      Map<String, String> options, Function<String, String> env, Function<String, String> conf) {
    return new ReadOptions(new Parser(options, env, conf));
  }

  /** The collection id as the API takes it: 32 lowercase hex digits. */
  public String collectionId() {
    return collectionId;
  }

  public Credentials credentials() {
    return credentials;
  }

  public String endpoint() {
    return endpoint;
  }

  /** The query every request of this read carries; readers add {@code limit} and {@code offset}. */
  public MediaRequest request() {
    return request;
  }

  /** True when {@code q} or {@code similarToObjectId} asks for relevance-ranked results. */
  public boolean scored() {
    return scored;
  }

  public int pageSize() {
    return pageSize;
  }

  public int itemsPerPartition() {
    return itemsPerPartition;
  }

  public PartitionBy partitionBy() {
    return partitionBy;
  }

  /** The most partitions a read may have; {@link Integer#MAX_VALUE} when unlimited. */
  public int numPartitions() {
    return numPartitions;
  }

  /** Timeouts, retries and the request-rate cap of this read's requests. */
  public CallPolicy callPolicy() {
    return callPolicy;
  }

  /** A client for this read on the JVM's shared HTTP client, counting into {@code stats}. */
  public CoreVizClient client(RequestStats stats) {
    return new CoreVizClient(endpoint, credentials, HttpClients.shared(), callPolicy, stats);
  }

  /** True when the user says the service sorts strings by code point, as Spark does. */
  public boolean serverSortsByCodePoint() {
    return codePointSort;
  }

  /** True unless the option for this kind (or {@code pushDown=false}) turned it off. */
  public boolean pushes(Pushdown kind) {
    return pushdowns.contains(kind);
  }

  @Override
  public String toString() {
    return "ReadOptions[endpoint="
        + endpoint
        + ", request="
        + request
        + ", pageSize="
        + pageSize
        + ", itemsPerPartition="
        + itemsPerPartition
        + ", partitionBy="
        + partitionBy
        + ", pushdown="
        + pushdowns
        + ", credentials="
        + credentials
        + "]";
  }

  /** Parses in field order so later checks can rely on earlier values. */
  private static final class Parser {
    private final Map<String, String> options;
    String collectionId;
    Credentials credentials;
    String endpoint;
    MediaRequest request;
    boolean scored;
    int pageSize;
    int itemsPerPartition;
    PartitionBy partitionBy;
    int numPartitions;
    Set<Pushdown> pushdowns;
    boolean codePointSort;
    CallPolicy callPolicy;

    Parser(Map<String, String> raw, Function<String, String> env, Function<String, String> conf) {
      this.options = lowerCaseKeys(raw);
      collectionId = collectionId(required(COLLECTION_ID));
      credentials = credentials(env, conf);
      endpoint = endpoint(get(ENDPOINT), bool(ALLOW_INSECURE_HTTP, false));
      pageSize = intIn(PAGE_SIZE, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
      itemsPerPartition =
          intIn(ITEMS_PER_PARTITION, DEFAULT_ITEMS_PER_PARTITION, 1, Integer.MAX_VALUE);
      request = request();
      String by = oneOf(PARTITION_BY, List.of("date", "folder", "offset"));
      partitionBy =
          by == null ? PartitionBy.DATE : PartitionBy.valueOf(by.toUpperCase(Locale.ROOT));
      numPartitions = intIn(NUM_PARTITIONS, Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
      callPolicy =
          new CallPolicy(
              intIn(MAX_RETRIES, 5, 0, 100),
              Duration.ofMillis(intIn(RETRY_BACKOFF_MS, 200, 0, 600_000)),
              Duration.ofMillis(intIn(MAX_RETRY_BACKOFF_MS, 10_000, 0, 3_600_000)),
              Duration.ofMillis(intIn(MAX_RETRY_TIME_MS, 120_000, 0, 86_400_000)),
              Duration.ofMillis(intIn(CONNECT_TIMEOUT_MS, 10_000, 1, 3_600_000)),
              Duration.ofMillis(intIn(READ_TIMEOUT_MS, 60_000, 1, 3_600_000)),
              rate(get(MAX_REQUESTS_PER_SECOND)));
      codePointSort = bool(SERVER_SORTS_BY_CODE_POINT, false);
      pushdowns = EnumSet.noneOf(Pushdown.class);
      boolean all = bool(PUSH_DOWN, true);
      Map<Pushdown, String> switches =
          Map.of(
              Pushdown.FILTERS, PUSH_DOWN_FILTERS,
              Pushdown.COLUMNS, PUSH_DOWN_COLUMNS,
              Pushdown.LIMIT, PUSH_DOWN_LIMIT,
              Pushdown.TOP_N, PUSH_DOWN_TOP_N,
              Pushdown.AGGREGATES, PUSH_DOWN_AGGREGATES);
      switches.forEach(
          (kind, option) -> {
            if (bool(option, true) && all) {
              pushdowns.add(kind);
            }
          });
    }

    private MediaRequest request() {
      String q = get(Q);
      String similarTo = get(SIMILAR_TO_OBJECT_ID);
      scored = q != null || similarTo != null;
      String model = oneOf(SIMILAR_TO_OBJECT_MODEL, MODELS);
      if (model != null && similarTo == null) {
        throw invalid(
            SIMILAR_TO_OBJECT_MODEL,
            model,
            "it is used only together with " + SIMILAR_TO_OBJECT_ID);
      }
      String minScore = get(MIN_SCORE);
      if (minScore != null) {
        if (!scored) {
          throw invalid(
              MIN_SCORE,
              minScore,
              "it is used only together with " + Q + " or " + SIMILAR_TO_OBJECT_ID);
        }
        number(MIN_SCORE, minScore);
      }
      LocalDate from = date(DATE_FROM);
      LocalDate to = date(DATE_TO);
      if (from != null && to != null && from.isAfter(to)) {
        throw invalid(
            DATE_TO, to.toString(), "it must not be before " + DATE_FROM + " (" + from + ")");
      }
      String sortBy = oneOf(SORT_BY, SORT_FIELDS);
      String direction = oneOf(SORT_DIRECTION, List.of("asc", "desc"));
      if (scored && (sortBy != null || direction != null)) {
        throw invalid(
            sortBy != null ? SORT_BY : SORT_DIRECTION,
            sortBy != null ? sortBy : direction,
            "scored reads (" + Q + ", " + SIMILAR_TO_OBJECT_ID + ") are ordered by relevance");
      }
      String type = oneOf(TYPE, TYPES);
      return MediaRequest.of(collectionId)
          .with("path", path())
          .with("recursive", bool(RECURSIVE, true))
          .with("type", "all".equals(type) ? null : type)
          .with("dateFrom", from)
          .with("dateTo", to)
          .with("tags", tags())
          .with("tagFilters", tagFilters())
          .with("mediaId", get(MEDIA_ID))
          .with("clusterId", get(CLUSTER_ID))
          .with("q", q)
          .with("similarToObjectId", similarTo)
          .with("similarToObjectModel", model)
          .with("minScore", minScore)
          // A fixed, explicit order keeps offset ranges stable while items are appended.
          .with("sortBy", scored ? null : sortBy == null ? "createdAt" : sortBy)
          .with("sortDirection", scored ? null : direction == null ? "asc" : direction);
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> raw) {
      Map<String, String> lower = new java.util.HashMap<>();
      raw.forEach((key, value) -> lower.put(key.toLowerCase(Locale.ROOT), value));
      return lower;
    }

    /** The option's value, with blank treated as absent. */
    private String get(String name) {
      String value = options.get(name.toLowerCase(Locale.ROOT));
      return value == null || value.isBlank() ? null : value.trim();
    }

    private String required(String name) {
      String value = get(name);
      if (value == null) {
        throw new ConfigurationException(
            "Missing option '"
                + name
                + "': set it to the collection's UUID, "
                + "e.g. .option(\""
                + name
                + "\", \"0f8fad5b-d9cb-469f-a165-70867728950e\")");
      }
      return value;
    }

    private String collectionId(String value) {
      String lower = value.toLowerCase(Locale.ROOT);
      if (HEX32.matcher(lower).matches()) {
        return lower;
      }
      if (UUID.matcher(lower).matches()) {
        return lower.replace("-", "");
      }
      throw invalid(
          COLLECTION_ID, value, "expected a UUID, with or without hyphens (32 hex digits)");
    }

    private Credentials credentials(Function<String, String> env, Function<String, String> conf) {
      String apiKey = get(API_KEY);
      String token = get(BEARER_TOKEN);
      if (apiKey != null && token != null) {
        throw new ConfigurationException(
            "Options '" + API_KEY + "' and '" + BEARER_TOKEN + "' are both set: set only one");
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
            "No CoreViz credentials: set the option '"
                + API_KEY
                + "' or '"
                + BEARER_TOKEN
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

    private String endpoint(String value, boolean allowInsecure) {
      if (value == null) {
        return DEFAULT_ENDPOINT;
      }
      String expected = "expected an http(s) base URL such as " + DEFAULT_ENDPOINT;
      URI uri;
      try {
        uri = new URI(value);
      } catch (URISyntaxException e) {
        throw invalid(ENDPOINT, value, expected);
      }
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!Set.of("http", "https").contains(scheme) || uri.getHost() == null) {
        throw invalid(ENDPOINT, value, expected);
      }
      if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
        throw invalid(ENDPOINT, "(not shown)", expected + ", without user info, query or fragment");
      }
      if (scheme.equals("http") && !allowInsecure && !loopback(uri.getHost())) {
        throw invalid(
            ENDPOINT,
            value,
            "plain http sends the API key unencrypted: use https, or set "
                + ALLOW_INSECURE_HTTP
                + "=true (http is accepted without it only on the loopback interface)");
      }
      return value.replaceAll("/+$", "");
    }

    private static boolean loopback(String host) {
      String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
      return bare.equalsIgnoreCase("localhost")
          || bare.startsWith("127.")
          || bare.equals("::1")
          || bare.equals("0:0:0:0:0:0:0:1");
    }

    private int intIn(String name, int fallback, int min, int max) {
      String value = get(name);
      if (value == null) {
        return fallback;
      }
      try {
        int parsed = Integer.parseInt(value);
        if (parsed >= min && parsed <= max) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid(name, value, "expected an integer from " + min + " to " + max);
    }

    private double rate(String value) {
      if (value == null) {
        return 0;
      }
      try {
        double parsed = Double.parseDouble(value);
        if (parsed > 0 && Double.isFinite(parsed)) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid(MAX_REQUESTS_PER_SECOND, value, "expected a positive number, e.g. 20");
    }

    private String path() {
      String path = get(PATH);
      if (path == null) {
        return null;
      }
      if (!LTREE.matcher(path).matches()) {
        throw invalid(
            PATH,
            path,
            "expected an ltree path of labels (letters, digits, _) joined by dots, "
                + "e.g. "
                + collectionId
                + ".<folderId>");
      }
      if (!path.equals(collectionId) && !path.startsWith(collectionId + ".")) {
        throw invalid(PATH, path, "it must start with the collection id " + collectionId);
      }
      return path;
    }

    private boolean bool(String name, boolean fallback) {
      String value = get(name);
      if (value == null) {
        return fallback;
      }
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw invalid(name, value, "expected true or false");
      };
    }

    private String oneOf(String name, List<String> valid) {
      String value = get(name);
      if (value != null && !valid.contains(value)) {
        throw invalid(name, value, "expected one of " + String.join(", ", valid));
      }
      return value;
    }

    private LocalDate date(String name) {
      String value = get(name);
      if (value == null) {
        return null;
      }
      try {
        return LocalDate.parse(value, DAY);
      } catch (DateTimeParseException e) {
        throw invalid(name, value, "expected a date as YYYY-MM-DD, e.g. 2026-03-10");
      }
    }

    private void number(String name, String value) {
      try {
        if (Double.isFinite(Double.parseDouble(value))) {
          return;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw invalid(name, value, "expected a number, e.g. 0.2");
    }

    private String tags() {
      String value = get(TAGS);
      if (value == null) {
        return null;
      }
      List<String> tags = new ArrayList<>();
      for (String tag : value.split(",")) {
        if (tag.isBlank()) {
          throw invalid(
              TAGS,
              value,
              "expected comma-separated tag values without empty entries, e.g. red,blue");
        }
        tags.add(tag.trim());
      }
      return String.join(",", tags);
    }

    /** Validates tagFilters and returns it re-serialised compactly. */
    private String tagFilters() {
      String value = get(TAG_FILTERS);
      if (value == null) {
        return null;
      }
      String expected =
          "expected a JSON object of tag group to an array of values, "
              + "e.g. {\"color\":[\"red\",\"blue\"],\"season\":[\"spring\"]}";
      JsonNode root;
      try {
        root = JSON.readTree(value);
      } catch (JsonProcessingException e) {
        throw invalid(TAG_FILTERS, value, "it is not valid JSON; " + expected);
      }
      if (root == null || !root.isObject() || root.isEmpty()) {
        throw invalid(TAG_FILTERS, value, expected);
      }
      for (Map.Entry<String, JsonNode> group : root.properties()) {
        JsonNode values = group.getValue();
        if (!values.isArray() || values.isEmpty()) {
          throw invalid(
              TAG_FILTERS,
              value,
              "group '" + group.getKey() + "' is not a non-empty array; " + expected);
        }
        for (JsonNode tag : values) {
          if (!tag.isTextual()) {
            throw invalid(
                TAG_FILTERS,
                value,
                "group '" + group.getKey() + "' holds " + tag + "; " + expected);
          }
        }
      }
      return root.toString();
    }

    private static ConfigurationException invalid(String name, String value, String valid) {
      return new ConfigurationException(
          "Invalid option '" + name + "' = '" + value + "': " + valid);
    }
  }
}
