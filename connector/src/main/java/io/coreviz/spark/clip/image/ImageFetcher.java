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

  /** Largest blob accepted by default, so one huge file cannot exhaust an executor's memory. */
  public static final int MAX_BYTES = 64 << 20;

  private final Transport transport;
  private final CallPolicy policy;
  private final int maxBytes;

  /**
   * @param policy retries and timeouts of each download
   * @param timeout the most one attempt may take, body included
   */
  public ImageFetcher(
      HttpUrl endpoint, Credentials credentials, CallPolicy policy, Duration timeout) {
    this(endpoint, credentials, policy, timeout, MAX_BYTES);
  }

  /**
   * As above, refusing blobs of more than {@code maxBytes} bytes ({@link ImageFailure#tooLarge}).
   */
  public ImageFetcher(
      HttpUrl endpoint,
      Credentials credentials,
      CallPolicy policy,
      Duration timeout,
      int maxBytes) {
    this.policy = policy;
    this.maxBytes = maxBytes;
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
      throw new ImageFailure(download.failure(), download.tooLarge());
    }
    return download.bytes();
  }

  /** The largest blob it accepts, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /** A blob's bytes, or why there are none. */
  private record Download(byte[] bytes, String failure, boolean tooLarge) {}

  /**
   * The body, read at most to one byte over the limit: a larger blob is refused without being held
   * (by its {@code Content-Length} where it sends one).
   */
  private Download read(Response response, String where) throws IOException {
    if (!response.isSuccessful()) {
      return new Download(
          null, "download failed: HTTP " + response.code() + " from " + where, false);
    }
    ResponseBody body = response.body();
    if (body.contentLength() > maxBytes) {
      return new Download(
          null,
          "download refused: "
              + body.contentLength()
              + " bytes, over "
              + maxBytes
              + ", from "
              + where,
          true);
    }
    try (InputStream in = body.byteStream()) {
      long length = body.contentLength();
      // With a length, one array of that size; without, at most one byte past the limit.
      byte[] bytes = length >= 0 ? readExactly(in, (int) length) : in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        return new Download(
            null, "download refused: over " + maxBytes + " bytes from " + where, true);
      }
      return new Download(bytes, null, false);
    }
  }

  private static byte[] readExactly(InputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    int read = in.readNBytes(bytes, 0, length);
    if (read < length) {
      throw new java.io.EOFException(
          "the body ended after " + read + " of its " + length + " bytes");
    }
    return bytes;
  }

  private static String shorten(String url) {
    return url.length() <= 80 ? url : url.substring(0, 77) + "...";
  }

  /** Why an image could not be used: the message becomes the row's reason. */
  public static final class ImageFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean tooLarge;

    ImageFailure(String message) {
      this(message, false);
    }

    ImageFailure(String message, boolean tooLarge) {
      super(message, null, false, false);
      this.tooLarge = tooLarge;
    }

    /** Whether the blob was refused for being over the byte limit (else: it was unavailable). */
    public boolean tooLarge() {
      return tooLarge;
    }
  }
}
