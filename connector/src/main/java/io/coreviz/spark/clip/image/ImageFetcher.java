package io.coreviz.spark.clip.image;

import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.LoggingInterceptor;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.client.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Downloads image bytes over HTTP(S) with the connector's shared {@link Transport}: its connection
 * pool, its per-host limits and the call policy's retries (a connection refused or reset, a body
 * cut or stalled mid-stream, 429 and 5xx), counted in the caller's {@link RequestStats}. Blob URLs
 * are public; the CoreViz credentials are added only to requests whose scheme, host and port are
 * the API endpoint's, checked on every hop of a redirect, so they never reach another host. URLs
 * are not logged: signed blob URLs carry their own secrets.
 */
public final class ImageFetcher {

  /** Largest image accepted, so one huge file cannot exhaust an executor's memory. */
  static final long MAX_BYTES = 64L << 20;

  private final Transport transport;
  private final CallPolicy policy;

  /**
   * @param policy retries and timeouts of each download
   * @param timeout the most one attempt may take, body included
   */
  public ImageFetcher(
      HttpUrl endpoint, Credentials credentials, CallPolicy policy, Duration timeout) {
    this.policy = policy;
    OkHttpClient.Builder builder =
        HttpClients.shared()
            .http()
            .newBuilder()
            .followRedirects(true)
            .followSslRedirects(false)
            .callTimeout(timeout);
    builder.networkInterceptors().removeIf(LoggingInterceptor.class::isInstance);
    if (endpoint != null && credentials != null) {
      builder.addNetworkInterceptor(chain -> authorizeEndpointOnly(chain, endpoint, credentials));
    }
    this.transport = HttpClients.shared().over(builder.build());
  }

  private static Response authorizeEndpointOnly(
      Interceptor.Chain chain, HttpUrl endpoint, Credentials credentials) throws IOException {
    HttpUrl url = chain.request().url();
    Request.Builder request =
        chain.request().newBuilder().removeHeader("x-api-key").removeHeader("Authorization");
    if (url.scheme().equals(endpoint.scheme())
        && url.host().equalsIgnoreCase(endpoint.host())
        && url.port() == endpoint.port()) {
      credentials.authorize(request);
    }
    return chain.proceed(request.build());
  }

  /**
   * The bytes at {@code url}, its attempts counted in {@code stats}; the exception's message is the
   * row's reason.
   */
  public byte[] fetch(String url, RequestStats stats) throws ImageFailure {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new ImageFailure("not an http(s) URL: " + shorten(url));
    }
    String where = parsed.host() + parsed.encodedPath();
    Request request =
        new Request.Builder()
            .url(parsed)
            .tag(CallPolicy.class, policy)
            .tag(RequestStats.class, stats)
            .build();
    Download download;
    try {
      download = transport.call(request, where, (response, attempts) -> read(response, where));
    } catch (IOException e) {
      throw new ImageFailure("download failed: " + e.getMessage() + " (" + where + ")");
    }
    if (download.failure() != null) {
      throw new ImageFailure(download.failure());
    }
    return download.bytes();
  }

  /** A blob's bytes, or why there are none. */
  private record Download(byte[] bytes, String failure) {}

  private static Download read(Response response, String where) throws IOException {
    if (!response.isSuccessful()) {
      return new Download(null, "download failed: HTTP " + response.code() + " from " + where);
    }
    ResponseBody body = response.body();
    if (body.contentLength() > MAX_BYTES) {
      return new Download(
          null, "download refused: " + body.contentLength() + " bytes from " + where);
    }
    try (InputStream in = body.byteStream()) {
      byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        return new Download(null, "download refused: over " + MAX_BYTES + " bytes from " + where);
      }
      return new Download(bytes, null);
    }
  }

  private static String shorten(String url) {
    return url.length() <= 80 ? url : url.substring(0, 77) + "...";
  }

  /** Why an image could not be used: the message becomes the row's reason. */
  public static final class ImageFailure extends Exception {
    private static final long serialVersionUID = 1L;

    ImageFailure(String message) {
      super(message, null, false, false);
    }
  }
}
