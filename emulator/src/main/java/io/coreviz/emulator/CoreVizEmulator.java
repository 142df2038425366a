package io.coreviz.emulator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.coreviz.emulator.api.ApiException;
import io.coreviz.emulator.api.MediaJson;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.api.Semantics;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CoreViz-compatible HTTP server on the loopback interface.
 *
 * <pre>{@code
 * try (CoreVizEmulator server = CoreVizEmulator.builder()
 *     .collection(SyntheticCollection.generate(42, 500))
 *     .apiKey("test-key")
 *     .start()) {
 *   String endpoint = server.baseUrl();
 * }
 * }</pre>
 *
 * <p>Authentication: {@code x-api-key} or {@code Authorization: Bearer}. A request without a
 * credential, or with one the server does not know, gets 401; a known credential without access to
 * an existing collection gets 403; an unknown collection gets 404. When no credential is configured
 * at all, any non-empty credential is accepted (handy for offline jobs).
 *
 * <p>Blob URLs ({@code /blobs/<collectionId>/<key>}) are public, like the storage they stand for.
 */
public final class CoreVizEmulator implements AutoCloseable {

  static {
    // The JDK server leaves Nagle's algorithm on: a small response then waits for the client's
    // delayed ACK (tens of ms a request on loopback). Read once, when the first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    // It closes a connection idle for 30 s, where load balancers keep one 60 s or more; a client
    // pooling connections for less than that never sends on one this server closed.
    if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
      System.setProperty("sun.net.httpserver.idleInterval", "120");
    }
  }

  private static final String MEDIA_PREFIX = "/api/dataset/";
  private static final String BLOB_PREFIX = "/blobs/";

  private final InetSocketAddress address;
  private final ExecutorService executor;
  private final Object lifecycle = new Object();
  private HttpServer server; // guarded by lifecycle; replaced by a restart
  private boolean closed; // guarded by lifecycle
  private final AtomicBoolean restarting = new AtomicBoolean();
  private final Map<String, MediaCollection> collections;
  private final List<String> collectionOrder;
  private final Map<String, Set<String>> credentials;
  private final int maxLimit;
  private final Semantics semantics;
  private final java.util.Random tieSalts;

  /** The last queries' matches (at most 64), see {@link #matches}. */
  private final Map<Matches, List<MediaSearch.Hit>> matches =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Matches, List<MediaSearch.Hit>> eldest) {
          return size() > 64;
        }
      };

  private final String baseUrl;
  private final List<RecordedRequest> requests = new ArrayList<>();

  /** The request being served on this thread, logged as soon as its status is sent. */
  private final ThreadLocal<RecordedRequest> serving = new ThreadLocal<>();

  private volatile FaultInjector faults = FaultInjector.NONE;

  /** The server items' blob URLs point at, where it is not this one (null). */
  private final String blobsAt;

  private CoreVizEmulator(Builder builder) throws IOException {
    this.collections = Map.copyOf(builder.collections);
    this.collectionOrder = List.copyOf(builder.collections.keySet());
    this.credentials = Map.copyOf(builder.credentials);
    this.maxLimit = builder.maxLimit;
    this.semantics = builder.semantics();
    this.tieSalts = semantics.shufflesTies() ? new java.util.Random(builder.tieSeed) : null;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            builder.threads,
            runnable -> {
              Thread thread = new Thread(runnable, "coreviz-emulator-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.server = listen(new InetSocketAddress(builder.host, builder.port));
    this.address = server.getAddress();
    this.baseUrl = "http://" + builder.host + ":" + address.getPort();
    this.blobsAt = builder.blobsAt;
  }

  private HttpServer listen(InetSocketAddress at) throws IOException {
    HttpServer listening = HttpServer.create(at, 64);
    listening.setExecutor(executor);
    listening.createContext("/", this::handle);
    listening.start();
    return listening;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The endpoint to configure clients with, e.g. {@code http://127.0.0.1:41234}. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return address.getPort();
  }

  public MediaCollection collection(String id) {
    MediaCollection collection = collections.get(id);
    if (collection == null) {
      throw new IllegalArgumentException("no collection " + id);
    }
    return collection;
  }

  /** The ids of the collections served, in the order they were added. */
  public List<String> collectionIds() {
    return List.copyOf(collectionOrder);
  }

  /** The URL under which the emulator serves a collection's blob. */
  public String blobUrl(String collectionId, String blobKey) {
    return blobBase(collectionId) + blobKey;
  }

  /** All requests received so far, oldest first. */
  public List<RecordedRequest> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** Requests to the media endpoint received so far, oldest first. */
  public List<RecordedRequest> mediaRequests() {
    return requests().stream().filter(RecordedRequest::isMediaRequest).toList();
  }

  public void clearRequests() {
    synchronized (requests) {
      requests.clear();
    }
  }

  /**
   * Installs a fault injector for the following requests; {@link FaultInjector#NONE} removes it.
   */
  public void faults(FaultInjector injector) {
    this.faults = injector;
  }

  @Override
  public void close() {
    synchronized (lifecycle) {
      closed = true;
      server.stop(0);
    }
    executor.shutdownNow();
  }

  /** True while the server listens: false between a restart's stop and its start. */
  public boolean listening() {
    return !restarting.get();
  }

  /**
   * Stops listening and drops every connection, then after {@code down} listens again on the same
   * port, in the background; ignored while a restart is under way.
   */
  public void restart(Duration down) {
    if (!restarting.compareAndSet(false, true)) {
      return;
    }
    synchronized (lifecycle) {
      if (closed) {
        restarting.set(false);
        return;
      }
      server.stop(0);
    }
    Thread restarter =
        new Thread(
            () -> {
              try {
                Thread.sleep(down.toMillis());
                synchronized (lifecycle) {
                  if (!closed) {
                    server = listen(address);
                  }
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (IOException e) {
                throw new UncheckedIOException("cannot listen again on " + address, e);
              } finally {
                restarting.set(false);
              }
            },
            "coreviz-emulator-restart");
    restarter.setDaemon(true);
    restarter.start();
  }

  private String blobBase(String collectionId) {
    return (blobsAt != null ? blobsAt : baseUrl) + BLOB_PREFIX + collectionId + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    RecordedRequest request = record(exchange);
    serving.set(request);
    int status;
    try {
      status = respond(exchange, request);
    } catch (RuntimeException e) {
      status = send(exchange, Answer.json(500, MediaJson.error("Internal server error")));
    }
    // For a dropped connection (status < 0) nothing, or only part of a body, was sent: closing
    // the exchange then closes the connection under the client.
    exchange.close();
    log(status); // only if nothing was sent
  }

  /**
   * Logs the request being served with its status. Called just before the status goes out, so a
   * client that has read a response always finds its request in the log, and no request turns up in
   * the log after its client is done.
   */
  private void log(int status) {
    RecordedRequest request = serving.get();
    if (request != null) {
      serving.remove();
      synchronized (requests) {
        requests.add(request.withStatus(status));
      }
    }
  }

  private int respond(HttpExchange exchange, RecordedRequest request) throws IOException {
    FaultInjector.Reply fault;
    try {
      fault = faults.intercept(request);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return send(exchange, new Answer(503, "application/json", MediaJson.error("Interrupted")));
    }
    if (fault == null) {
      return send(exchange, answer(exchange, request));
    }
    if (!fault.modifiesAnswer()) {
      return switch (fault.status()) {
        case RecordedRequest.DISCONNECTED -> {
          log(RecordedRequest.DISCONNECTED);
          yield RecordedRequest.DISCONNECTED; // closed by handle() with nothing sent
        }
        case RecordedRequest.CUT ->
            sendPart(
                exchange,
                new Answer(200, "application/json", fault.body()),
                Integer.parseInt(fault.headers().get(FaultInjector.Reply.CUT_AFTER)),
                null);
        default -> {
          fault.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
          yield send(exchange, new Answer(fault.status(), null, fault.body()));
        }
      };
    }
    if (fault.status() == RecordedRequest.RESTARTED) {
      log(RecordedRequest.RESTARTED);
      restart(Duration.ofMillis(Long.parseLong(fault.headers().get(FaultInjector.Reply.DOWN_MS))));
      return RecordedRequest.RESTARTED;
    }
    Answer answer = answer(exchange, request);
    String stall = fault.headers().get(FaultInjector.Reply.STALL_MS);
    return sendPart(
        exchange,
        answer,
        answer.body().length / 2,
        stall == null ? null : Duration.ofMillis(Long.parseLong(stall)));
  }

  /** A response: status, content type (null to leave the header as set) and body. */
  private record Answer(int status, String contentType, byte[] body) {

    static Answer json(int status, byte[] body) {
      return new Answer(status, "application/json", body);
    }
  }

  /** The server's own answer to {@code request}. */
  private Answer answer(HttpExchange exchange, RecordedRequest request) {
    if (!exchange.getRequestMethod().equals("GET")) {
      return Answer.json(405, MediaJson.error("Method not allowed"));
    }
    String path = request.path();
    if (path.startsWith(BLOB_PREFIX)) {
      return blob(path.substring(BLOB_PREFIX.length()));
    }
    if (path.equals("/health")) {
      return new Answer(200, "text/plain", "ok".getBytes(StandardCharsets.UTF_8));
    }
    if (!request.isMediaRequest()) {
      return Answer.json(404, MediaJson.error("Not found"));
    }
    String collectionId = path.substring(MEDIA_PREFIX.length(), path.length() - "/media".length());
    try {
      return Answer.json(200, media(exchange, collectionId, request.query()));
    } catch (ApiException e) {
      return Answer.json(e.status(), MediaJson.error(e.getMessage()));
    }
  }

  private byte[] media(HttpExchange exchange, String collectionId, Map<String, String> params) {
    String credential = credential(exchange);
    if (credential == null) {
      throw new ApiException(401, "Unauthorized: send an x-api-key header or a Bearer token");
    }
    Set<String> access = credentials.isEmpty() ? Set.of("*") : credentials.get(credential);
    if (access == null) {
      throw new ApiException(401, "Unauthorized: invalid API key or token");
    }
    MediaCollection collection = collections.get(collectionId);
    if (collection == null) {
      throw new ApiException(404, "Collection not found");
    }
    if (!access.contains("*") && !access.contains(collectionId)) {
      throw new ApiException(403, "Forbidden: no access to this collection");
    }
    MediaQuery query = MediaQuery.parse(params, collectionId, maxLimit);
    long salt = 0;
    if (tieSalts != null) {
      synchronized (tieSalts) {
        salt = tieSalts.nextLong() | 1;
      }
    }
    MediaSearch.Result result =
        MediaSearch.page(matches(collection, query, salt), query, semantics);
    return MediaJson.page(
        collection, query, result, blobBase(collectionId), semantics.numbersAsStrings());
  }

  /** What a page request selects, in order: computed once per query and collection version. */
  private record Matches(String collectionId, MediaQuery query, long version) {}

  /**
   * The query's matches: from the cache when the same query was answered at the collection's
   * current version with stable ties, so a scan's pages are served without filtering and sorting
   * the whole collection again for each (a million items take a second to sort). A browse query by
   * {@code createdAt} with days is a slice of the same query without days, found by binary search,
   * so a plan's many date windows cost one sort.
   */
  private List<MediaSearch.Hit> matches(MediaCollection collection, MediaQuery query, long salt) {
    if (salt != 0) {
      return MediaSearch.matches(collection, query, semantics, salt);
    }
    boolean dated = query.dateFrom() != null || query.dateTo() != null;
    if (dated && !query.scored() && query.mediaId() == null && query.sortBy().equals("createdAt")) {
      List<MediaSearch.Hit> undated = cached(collection, query.undated());
      return MediaSearch.withinDays(undated, query, semantics);
    }
    return cached(collection, query.unpaged());
  }

  private List<MediaSearch.Hit> cached(MediaCollection collection, MediaQuery unpaged) {
    Matches key = new Matches(collection.id(), unpaged, collection.version());
    synchronized (matches) {
      List<MediaSearch.Hit> hits = matches.get(key);
      if (hits != null) {
        return hits;
      }
    }
    List<MediaSearch.Hit> hits = MediaSearch.matches(collection, unpaged, semantics, 0);
    synchronized (matches) {
      matches.put(key, hits);
    }
    return hits;
  }

  private Answer blob(String rest) {
    int slash = rest.indexOf('/');
    MediaCollection collection = slash < 0 ? null : collections.get(rest.substring(0, slash));
    Blob blob = collection == null ? null : collection.blob(rest.substring(slash + 1)).orElse(null);
    if (blob == null) {
      return Answer.json(404, MediaJson.error("Blob not found"));
    }
    return new Answer(200, blob.contentType(), blob.bytes().get());
  }

  private static String credential(HttpExchange exchange) {
    String key = exchange.getRequestHeaders().getFirst("x-api-key");
    if (key != null && !key.isBlank()) {
      return key;
    }
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String token = authorization.substring(7).trim();
      return token.isEmpty() ? null : token;
    }
    return null;
  }

  private static RecordedRequest record(HttpExchange exchange) {
    String scheme = null;
    if (exchange.getRequestHeaders().containsKey("x-api-key")) {
      scheme = "x-api-key";
    } else if (exchange.getRequestHeaders().containsKey("Authorization")) {
      scheme = "bearer";
    }
    return new RecordedRequest(
        exchange.getRequestMethod(),
        exchange.getRequestURI().getPath(),
        query(exchange.getRequestURI().getRawQuery()),
        scheme,
        exchange.getRequestHeaders().getFirst("User-Agent"),
        0);
  }

  static Map<String, String> query(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(decode(name), decode(value));
    }
    return params;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  private int send(HttpExchange exchange, Answer answer) throws IOException {
    if (answer.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    }
    byte[] body = answer.body();
    // Logged before the status goes out: a response without a body is whole once its headers are
    // sent, and its client may return (and a test clear the log) before this thread runs again.
    log(answer.status());
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    return answer.status();
  }

  /**
   * Sends {@code answer}'s status and headers with its whole length, then its first {@code bytes};
   * then, with a {@code stall}, the rest after that long, else nothing: {@link #handle} closes the
   * exchange, which drops the connection under the client.
   */
  private int sendPart(HttpExchange exchange, Answer answer, int bytes, Duration stall)
      throws IOException {
    int fault = stall == null ? RecordedRequest.CUT : RecordedRequest.STALLED;
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    byte[] body = answer.body();
    log(fault);
    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
    OutputStream out = exchange.getResponseBody();
    int sent = Math.min(bytes, body.length);
    out.write(body, 0, sent);
    out.flush();
    if (stall != null) {
      try {
        Thread.sleep(stall.toMillis());
        out.write(body, sent, body.length - sent);
        out.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // The client gave up waiting and closed the connection.
      }
    }
    return fault;
  }

  /** How this server reads the parts of the API page that leave room. */
  public Semantics semantics() {
    return semantics;
  }

  /**
   * Configures and starts an emulator. Besides its defaults (see {@link MediaSearch}), it can read
   * the API page as other CoreViz-compatible services may: each reading has a setting here.
   */
  public static final class Builder {
    private final Map<String, MediaCollection> collections = new LinkedHashMap<>();
    private final Map<String, Set<String>> credentials = new HashMap<>();
    private String host = "127.0.0.1";
    private String blobsAt;
    private int port;
    private int maxLimit = 1000;
    private int threads = 16;
    private long tieSeed;
    private ZoneOffset dayZone = ZoneOffset.UTC;
    private boolean exclusiveDateTo;
    private int totalCap = Integer.MAX_VALUE;
    private int totalExcess;
    private boolean mediaIdIgnoresFilters;
    private boolean reflexiveSubtree;
    private boolean localeCollation;
    private boolean unstableTies;
    private boolean unstableScoreTies;
    private boolean normalizedScores;
    private boolean numbersAsStrings;

    private Builder() {}

    /**
     * Orders items with equal sort keys differently on every request, as a database without a
     * unique tie-breaker does; the draws come from {@code seed}.
     */
    public Builder unstableTies(long seed) {
      this.unstableTies = true;
      this.tieSeed = seed;
      return this;
    }

    /** Orders items with equal {@code _score} differently on every request (scored mode). */
    public Builder unstableScoreTies(long seed) {
      this.unstableScoreTies = true;
      this.tieSeed = seed;
      return this;
    }

    /**
     * Divides each result set's {@code _score}s by its highest, as a service that normalises
     * relevance per query does: an item's score then depends on what else the query matches.
     */
    public Builder normalizedScores() {
      this.normalizedScores = true;
      return this;
    }

    /** {@code dateFrom}/{@code dateTo} compare calendar days in {@code zone} (default UTC). */
    public Builder dayZone(ZoneOffset zone) {
      this.dayZone = zone;
      return this;
    }

    /** {@code dateTo} excludes its own day, as a {@code createdAt <= dateTo} at midnight does. */
    public Builder exclusiveDateTo() {
      this.exclusiveDateTo = true;
      return this;
    }

    /** Reports at most {@code cap} as {@code pagination.total}; {@code hasMore} stays true. */
    public Builder totalCap(int cap) {
      if (cap < 0) {
        throw new IllegalArgumentException("totalCap must be >= 0");
      }
      this.totalCap = cap;
      return this;
    }

    /**
     * Reports {@code excess} more than match as {@code pagination.total}, as a service that
     * estimates its counts may, and derives {@code hasMore} from that total: it says more items
     * follow on the last pages.
     */
    public Builder overstatedTotal(int excess) {
      if (excess < 0) {
        throw new IllegalArgumentException("overstatedTotal must be >= 0");
      }
      this.totalExcess = excess;
      return this;
    }

    /** {@code mediaId} returns that item whatever the other parameters say. */
    public Builder mediaIdIgnoresFilters() {
      this.mediaIdIgnoresFilters = true;
      return this;
    }

    /** A recursive listing of {@code path} includes the folder at {@code path} itself. */
    public Builder reflexiveSubtree() {
      this.reflexiveSubtree = true;
      return this;
    }

    /** Sorts strings by a locale collation (case, accents, punctuation ignored first). */
    public Builder localeCollation() {
      this.localeCollation = true;
      return this;
    }

    /** Sends BIGINT and NUMERIC values as JSON strings, as node-postgres does by default. */
    public Builder numbersAsStrings() {
      this.numbersAsStrings = true;
      return this;
    }

    Semantics semantics() {
      return new Semantics(
          dayZone,
          exclusiveDateTo,
          totalCap,
          totalExcess,
          mediaIdIgnoresFilters,
          reflexiveSubtree,
          localeCollation,
          unstableTies,
          unstableScoreTies,
          normalizedScores,
          numbersAsStrings);
    }

    public Builder collection(MediaCollection collection) {
      collections.put(collection.id(), collection);
      return this;
    }

    /**
     * Accepts {@code credential} as an API key or Bearer token, for the listed collections or, when
     * none are listed, for all.
     */
    public Builder credential(String credential, String... collectionIds) {
      credentials.put(credential, collectionIds.length == 0 ? Set.of("*") : Set.of(collectionIds));
      return this;
    }

    /** The largest {@code limit} honoured; larger ones are capped, as a real service may do. */
    public Builder maxLimit(int maxLimit) {
      if (maxLimit < 1) {
        throw new IllegalArgumentException("maxLimit must be >= 1");
      }
      this.maxLimit = maxLimit;
      return this;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * Items' blob URLs point at {@code baseUrl} (e.g. another local server with the same
     * collection, as blobs are served by a storage or CDN host) instead of this server.
     */
    public Builder blobsAt(String baseUrl) {
      this.blobsAt = baseUrl.replaceAll("/+$", "");
      return this;
    }

    /** The port to listen on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public CoreVizEmulator start() {
      try {
        return new CoreVizEmulator(this);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot start the CoreViz emulator on " + host + ":" + port, e);
      }
    }
  }
}
