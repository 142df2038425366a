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
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
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
  private final OkHttpClient http;
  private final CallPolicy policy;
  private final RequestStats stats;

  /** A client with the default {@link CallPolicy} and its own counters. */
  public CoreVizClient(String endpoint, Credentials credentials, OkHttpClient http) {
    this(endpoint, credentials, http, CallPolicy.DEFAULT, new RequestStats());
  }

  /**
   * @param endpoint the service's base URL, e.g. {@code https://lab.coreviz.io}
   * @param http a client made by {@link HttpClients}, whose interceptors apply {@code policy}
   * @param stats where this client's traffic is counted
   */
  public CoreVizClient(
      String endpoint,
      Credentials credentials,
      OkHttpClient http,
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

  /**
   * Fetches one page, blocking. Failed requests are retried by the HTTP client's interceptors; a
   * connection that breaks while the body streams is retried here, within the same policy.
   */
  public <T> MediaPage<T> fetch(MediaRequest request, ItemReader<T> reader) {
    for (int attempt = 1; ; attempt++) {
      Call call = http.newCall(httpRequest(request));
      try (Response response = call.execute()) {
        return read(response, request, reader);
      } catch (BodyBrokeException e) {
        if (attempt > policy.maxRetries()) {
          throw connectionFailed(
              request,
              new IOException(
                  e.getCause().getMessage() + " (after " + attempt + " attempts)", e.getCause()));
        }
        stats.retries.incrementAndGet();
      } catch (IOException e) {
        throw connectionFailed(request, e);
      }
    }
  }

  /**
   * Fetches one page in the background; the page is parsed on OkHttp's thread, so the caller gets
   * rows, not bytes. Cancelling the future cancels the call.
   */
  public <T> CompletableFuture<MediaPage<T>> fetchAsync(
      MediaRequest request, ItemReader<T> reader) {
    Call call = http.newCall(httpRequest(request));
    CompletableFuture<MediaPage<T>> future =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterruptIfRunning) {
            call.cancel();
            return super.cancel(mayInterruptIfRunning);
          }
        };
    call.enqueue(
        new Callback() {
          @Override
          public void onResponse(Call c, Response response) {
            try (response) {
              future.complete(read(response, request, reader));
            } catch (IOException e) {
              future.completeExceptionally(connectionFailed(request, e));
            } catch (RuntimeException e) {
              future.completeExceptionally(e);
            }
          }

          @Override
          public void onFailure(Call c, IOException e) {
            future.completeExceptionally(connectionFailed(request, e));
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

  private <T> MediaPage<T> read(Response response, MediaRequest request, ItemReader<T> reader)
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
      int attempts = Integer.parseInt(response.header(RetryInterceptor.ATTEMPTS, "1"));
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
    try (InputStream in = body.byteStream()) {
      return PageParser.parse(in, reader, shown);
    } catch (IOException e) {
      throw new BodyBrokeException(e); // malformed JSON is a DataException, not this
    }
  }

  /** The connection broke while a body was streaming: worth another attempt. */
  private static final class BodyBrokeException extends IOException {
    private static final long serialVersionUID = 1L;

    BodyBrokeException(IOException cause) {
      super(cause);
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
