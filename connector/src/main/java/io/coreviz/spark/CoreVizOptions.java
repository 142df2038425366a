package io.coreviz.spark;

/**
 * Names of the options of {@code spark.read.format("coreviz")}; Spark matches them
 * case-insensitively.
 */
public final class CoreVizOptions {

  /** Required: the collection's UUID, with or without hyphens. */
  public static final String COLLECTION_ID = "collectionId";

  /**
   * API key, sent as {@code x-api-key}; falls back to {@value #API_KEY_ENV}, then {@value
   * #API_KEY_CONF}.
   */
  public static final String API_KEY = "apiKey";

  /** Alternative to an API key: sent as {@code Authorization: Bearer …}. */
  public static final String BEARER_TOKEN = "bearerToken";

  /** Base URL of the service; default {@value #DEFAULT_ENDPOINT}. */
  public static final String ENDPOINT = "endpoint";

  /** ltree path to read under; default the collection root. */
  public static final String PATH = "path";

  /** {@code true} (default): the whole subtree; {@code false}: one level, as the API does. */
  public static final String RECURSIVE = "recursive";

  public static final String TYPE = "type";
  public static final String DATE_FROM = "dateFrom";
  public static final String DATE_TO = "dateTo";
  public static final String TAGS = "tags";
  public static final String TAG_FILTERS = "tagFilters";
  public static final String MEDIA_ID = "mediaId";
  public static final String CLUSTER_ID = "clusterId";
  public static final String SORT_BY = "sortBy";
  public static final String SORT_DIRECTION = "sortDirection";
  public static final String Q = "q";
  public static final String SIMILAR_TO_OBJECT_ID = "similarToObjectId";
  public static final String SIMILAR_TO_OBJECT_MODEL = "similarToObjectModel";
  public static final String MIN_SCORE = "minScore";

  /** Items per request; default {@value #DEFAULT_PAGE_SIZE}. */
  public static final String PAGE_SIZE = "pageSize";

  /** Target items per Spark partition; default {@value #DEFAULT_ITEMS_PER_PARTITION}. */
  public static final String ITEMS_PER_PARTITION = "itemsPerPartition";

  /** How to split a read: {@code date} (default), {@code folder} or {@code offset}. */
  public static final String PARTITION_BY = "partitionBy";

  /** The most partitions a read is split into; default unlimited. */
  public static final String NUM_PARTITIONS = "numPartitions";

  /** Retries of a request that failed with 429, 5xx or a broken connection; default 5. */
  public static final String MAX_RETRIES = "maxRetries";

  /** The first retry's backoff ceiling in ms, doubled per retry (full jitter); default 200. */
  public static final String RETRY_BACKOFF_MS = "retryBackoffMs";

  /** The largest backoff in ms; default 10000. */
  public static final String MAX_RETRY_BACKOFF_MS = "maxRetryBackoffMs";

  /** The most time in ms one request may take, retries and waits included; default 120000. */
  public static final String MAX_RETRY_TIME_MS = "maxRetryTimeMs";

  /** Connect timeout in ms; default 10000. */
  public static final String CONNECT_TIMEOUT_MS = "connectTimeoutMs";

  /** Read timeout in ms; default 60000. */
  public static final String READ_TIMEOUT_MS = "readTimeoutMs";

  /** Requests per second to the endpoint from one executor; default unlimited. */
  public static final String MAX_REQUESTS_PER_SECOND = "maxRequestsPerSecond";

  /** {@code true} allows an {@code http://} endpoint that is not on the loopback interface. */
  public static final String ALLOW_INSECURE_HTTP = "allowInsecureHttp";

  /** {@code false} turns every kind of pushdown off (the pushDown* options below). */
  public static final String PUSH_DOWN = "pushDown";

  /** Filters to API parameters; default {@code true}. */
  public static final String PUSH_DOWN_FILTERS = "pushDownFilters";

  /** Skipping unread columns while parsing; default {@code true}. */
  public static final String PUSH_DOWN_COLUMNS = "pushDownColumns";

  /** {@code LIMIT n} to at most ⌈n/pageSize⌉ requests; default {@code true}. */
  public static final String PUSH_DOWN_LIMIT = "pushDownLimit";

  /** {@code ORDER BY … LIMIT n} to the API's sort; default {@code true}. */
  public static final String PUSH_DOWN_TOP_N = "pushDownTopN";

  /**
   * {@code true} says the service sorts strings by code point, as Spark does, so {@code ORDER BY
   * name|type LIMIT n} can be pushed; default {@code false}: a locale collation would pick another
   * top N.
   */
  public static final String SERVER_SORTS_BY_CODE_POINT = "serverSortsByCodePoint";

  /** {@code count(*)} to {@code pagination.total}; default {@code true}. */
  public static final String PUSH_DOWN_AGGREGATES = "pushDownAggregates";

  public static final String API_KEY_ENV = "COREVIZ_API_KEY";
  public static final String API_KEY_CONF = "spark.coreviz.apiKey";
  public static final String DEFAULT_ENDPOINT = "https://lab.coreviz.io";
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int DEFAULT_ITEMS_PER_PARTITION = 5000;

  /** The largest accepted {@link #PAGE_SIZE}. */
  public static final int MAX_PAGE_SIZE = 10_000;

  private CoreVizOptions() {}
}
