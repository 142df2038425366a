package io.coreviz.spark.client;

import io.coreviz.spark.errors.ConnectionException;
import io.coreviz.spark.errors.CoreVizException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.errors.ServiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Calls the media endpoint of one CoreViz service. Thread-safe. Each failure becomes a {@link
 * CoreVizException} whose message names the request and never the credentials.
 */
public final class CoreVizClient {

  private static final int ERROR_BODY_LIMIT = 16 * 1024;
  private static final Pattern ERROR_FIELD =
      Pattern.compile("\"(?:error|message)\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final HttpUrl endpoint;
  private final Credentials credentials;
  private final Transport http;
  private final CallPolicy policy;
  private final RequestStats stats;

  /** A client with the default {@link CallPolicy} and its own counters. */
  public CoreVizClient(String endpoint, Credentials credentials, Transport http) {
    this(endpoint, credentials, http, CallPolicy.DEFAULT, new RequestStats());
  }

  /**
   * @param endpoint the service's base URL, e.g. {@code https://lab.coreviz.io}
   * @param http a transport made by {@link HttpClients}, which applies {@code policy}
   * @param stats where this client's traffic is counted
   */
  public CoreVizClient(
      String endpoint,
      Credentials credentials,
      Transport http,
      CallPolicy policy,
      RequestStats stats) {
    HttpUrl url = HttpUrl.parse(endpoint);
    if (url == null) {
      throw new IllegalArgumentException("not an http(s) URL: " + endpoint);
    }
    this.endpoint = url;
    this.credentials = credentials;
    this.http = http;
    this.policy = policy;
    this.stats = stats;
  }

  public RequestStats stats() {
    return stats;
  }

  /** Fetches one page, blocking; retried as {@link #fetchAsync} is. */
  public <T> MediaPage<T> fetch(MediaRequest request, ItemReader<T> reader) {
    try {
      return Transport.await(fetchAsync(request, reader));
    } catch (IOException e) {
      throw connectionFailed(request, e);
    }
  }

  /**
   * Fetches one page in the background, retried by the {@link Transport} (failures before the
   * answer, broken bodies, 429 and 5xx); the page is parsed on OkHttp's thread, so the caller gets
   * rows, not bytes. Cancelling the future cancels the call.
   */
  public <T> CompletableFuture<MediaPage<T>> fetchAsync(
      MediaRequest request, ItemReader<T> reader) {
    CompletableFuture<MediaPage<T>> sent =
        http.send(
            httpRequest(request),
            endpoint.host() + ":" + endpoint.port() + request.pathAndQuery(),
            (response, attempts) -> read(response, request, reader, attempts));
    CompletableFuture<MediaPage<T>> future =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            sent.cancel(mayInterruptIfRunning);
            return super.cancel(mayInterruptIfRunning);
          }
        };
    sent.whenComplete(
        (page, error) -> {
          if (error == null) {
            future.complete(page);
          } else if (error instanceof IOException io && !sent.isCancelled()) {
            future.completeExceptionally(connectionFailed(request, io));
          } else {
            future.completeExceptionally(error);
          }
        });
    return future;
  }

  /** The service's base URL, as given (it holds no credentials). */
  public String endpoint() {
    return endpoint.toString();
  }

  private Request httpRequest(MediaRequest request) {
    HttpUrl.Builder url = endpoint.newBuilder().addPathSegments(request.path().substring(1));
    request.params().forEach(url::addQueryParameter);
    Request.Builder builder =
        new Request.Builder()
            .url(url.build())
            .get()
            .header("Accept", "application/json")
            .tag(CallPolicy.class, policy)
            .tag(RequestStats.class, stats);
    credentials.authorize(builder);
    return builder.build();
  }

  private <T> MediaPage<T> read(
      Response response, MediaRequest request, ItemReader<T> reader, int attempts)
      throws IOException {
    String shown = request.pathAndQuery();
    ResponseBody body = response.body();
    if (response.isRedirect()) {
      HttpUrl target = HttpUrl.parse(response.header("Location", ""));
      throw new DataException(
          "CoreViz redirected GET "
              + shown
              + " (HTTP "
              + response.code()
              + ") to "
              + (target == null ? "another location" : target.scheme() + "://" + target.host())
              + "; redirects are not followed so the credentials never leave the endpoint's host:"
              + " set the endpoint option to the final URL");
    }
    if (!response.isSuccessful()) {
      throw ServiceException.of(response.code(), serverMessage(body), shown, attempts);
    }
    String contentType = response.header("Content-Type", "");
    if (contentType.startsWith("text/html")) {
      throw new DataException(
          "CoreViz answered GET "
              + shown
              + " with an HTML page (status "
              + response.code()
              + "), not JSON: is the endpoint the CoreViz API?");
    }
    // A body without Content-Length or chunks ends when the connection closes: cut short, it
    // looks like truncated JSON, which is then a broken connection, not a malformed answer.
    boolean framed =
        body.contentLength() >= 0
            || "chunked".equalsIgnoreCase(response.header("Transfer-Encoding"));
    try (InputStream in = body.byteStream()) {
      // An IOException here is a broken body, retried; malformed JSON is a DataException.
      return PageParser.parse(in, reader, shown, framed);
    }
  }

  /** The server's error text: the {@code error} or {@code message} field, else the body's start. */
  private String serverMessage(ResponseBody body) throws IOException {
    byte[] bytes;
    try (InputStream in = body.byteStream()) {
      bytes = in.readNBytes(ERROR_BODY_LIMIT);
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    Matcher field = ERROR_FIELD.matcher(text);
    if (field.find()) {
      text = field.group(1).replace("\\\"", "\"");
    } else if (text.length() > 200) {
      text = text.substring(0, 200) + "…";
    }
    return credentials.redact(text);
  }

  private ConnectionException connectionFailed(MediaRequest request, IOException e) {
    return new ConnectionException(
        "Could not read CoreViz "
            + endpoint.scheme()
            + "://"
            + endpoint.host()
            + ":"
            + endpoint.port()
            + " for GET "
            + request.pathAndQuery()
            + ": "
            + credentials.redact(String.valueOf(e.getMessage())),
        e);
  }
}
