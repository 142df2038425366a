package io.coreviz.spark.clip.image;

import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.client.LoggingInterceptor;
import java.io.IOException;
import java.time.Duration;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * Downloads image bytes over HTTP(S) with the connector's shared client (connection pool, retries
 * on 429/5xx with backoff). Blob URLs are public; the CoreViz credentials are added only to
 * requests whose scheme, host and port are the API endpoint's, checked on every hop of a redirect,
 * so they never reach another host. URLs are not logged: signed blob URLs carry their own secrets.
 */
public final class ImageFetcher {

  /** Largest image accepted, so one huge file cannot exhaust an executor's memory. */
  static final long MAX_BYTES = 64L << 20;

  private final OkHttpClient client;

  public ImageFetcher(HttpUrl endpoint, Credentials credentials, Duration timeout) {
    OkHttpClient.Builder builder =
        HttpClients.shared()
            .newBuilder()
            .followRedirects(true)
            .followSslRedirects(false)
            .callTimeout(timeout);
    builder.networkInterceptors().removeIf(LoggingInterceptor.class::isInstance);
    if (endpoint != null && credentials != null) {
      builder.addNetworkInterceptor(chain -> authorizeEndpointOnly(chain, endpoint, credentials));
    }
    this.client = builder.build();
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

  /** The bytes at {@code url}; the exception's message is the row's reason. */
  public byte[] fetch(String url) throws ImageFailure {
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new ImageFailure("not an http(s) URL: " + shorten(url));
    }
    String where = parsed.host() + parsed.encodedPath();
    try (Response response = client.newCall(new Request.Builder().url(parsed).build()).execute()) {
      if (!response.isSuccessful()) {
        throw new ImageFailure("download failed: HTTP " + response.code() + " from " + where);
      }
      ResponseBody body = response.body();
      if (body.contentLength() > MAX_BYTES) {
        throw new ImageFailure(
            "download refused: " + body.contentLength() + " bytes from " + where);
      }
      byte[] bytes = body.bytes();
      if (bytes.length > MAX_BYTES) {
        throw new ImageFailure("download refused: " + bytes.length + " bytes from " + where);
      }
      return bytes;
    } catch (IOException e) {
      throw new ImageFailure("download failed: " + e.getMessage() + " (" + where + ")");
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
