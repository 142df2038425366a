package io.coreviz.spark.client;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each HTTP attempt at DEBUG: method, path with query, status and time. Headers, and with them
 * the credentials, are never logged.
 */
public final class LoggingInterceptor implements Interceptor {

  private static final Logger LOG = LoggerFactory.getLogger("io.coreviz.spark.http");

  @Override
  public Response intercept(Chain chain) throws IOException {
    if (!LOG.isDebugEnabled()) {
      return chain.proceed(chain.request());
    }
    String target = describe(chain.request().url());
    long start = System.nanoTime();
    try {
      Response response = chain.proceed(chain.request());
      LOG.debug(
          "GET {} -> {} in {} ms",
          target,
          response.code(),
          (System.nanoTime() - start) / 1_000_000);
      return response;
    } catch (IOException e) {
      LOG.debug(
          "GET {} failed after {} ms: {}",
          target,
          (System.nanoTime() - start) / 1_000_000,
          e.toString());
      throw e;
    }
  }

  static String describe(HttpUrl url) {
    return url.host()
        + ":"
        + url.port()
        + url.encodedPath()
        + (url.encodedQuery() == null ? "" : "?" + url.encodedQuery());
  }
}
