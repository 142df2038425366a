package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.ForwardingSource;
import okio.Okio;
import okio.Source;

/** The one OkHttp client of this JVM (per executor), so every reader shares its connection pool. */
public final class HttpClients {

  /** {@code coreviz-spark/<version> Java/<version>}, sent as User-Agent. */
  public static final String USER_AGENT =
      "coreviz-spark/" + version() + " Java/" + System.getProperty("java.version");

  private static final class Holder {
    static final OkHttpClient SHARED = create(Sleeper.REAL, System::nanoTime);
  }

  private HttpClients() {}

  public static OkHttpClient shared() {
    return Holder.SHARED;
  }

  /**
   * A client with the connector's interceptors: retries ({@link RetryInterceptor}), the rate cap
   * ({@link RateLimitInterceptor}) and byte counting; {@code sleeper} and {@code nanoTime} are
   * injectable so tests of waiting run instantly.
   */
  public static OkHttpClient create(Sleeper sleeper, LongSupplier nanoTime) {
    return create(sleeper, nanoTime, new SplittableRandom());
  }

  /** As above, with the jitter's draws from {@code jitter}, so tests can pin them. */
  static OkHttpClient create(Sleeper sleeper, LongSupplier nanoTime, RandomGenerator jitter) {
    // Daemon threads: an idle pool must never keep a driver or test JVM from exiting.
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory =
        runnable -> {
          Thread thread = new Thread(runnable, "coreviz-http-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    Dispatcher dispatcher =
        new Dispatcher(
            new ThreadPoolExecutor(
                0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), factory));
    dispatcher.setMaxRequests(64);
    dispatcher.setMaxRequestsPerHost(32);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(16, 5, TimeUnit.MINUTES))
        // Timeouts come per request from its CallPolicy; redirects are never followed, so the
        // credentials go to the endpoint's host and nowhere else.
        .followRedirects(false)
        .followSslRedirects(false)
        .addInterceptor(new RetryInterceptor(sleeper, nanoTime, jitter))
        .addInterceptor(new RateLimitInterceptor(sleeper, nanoTime))
        .addInterceptor(new ConcurrencyInterceptor())
        .addNetworkInterceptor(HttpClients::countBytes)
        .addNetworkInterceptor(new LoggingInterceptor())
        .addNetworkInterceptor(
            chain ->
                chain.proceed(
                    chain.request().newBuilder().header("User-Agent", USER_AGENT).build()))
        .build();
  }

  private static Response countBytes(Interceptor.Chain chain) throws IOException {
    Response response = chain.proceed(chain.request());
    RequestStats stats = chain.request().tag(RequestStats.class);
    ResponseBody body = response.body();
    if (stats == null) {
      return response;
    }
    Source counting =
        new ForwardingSource(body.source()) {
          @Override
          public long read(Buffer sink, long byteCount) throws IOException {
            long read = super.read(sink, byteCount);
            if (read > 0) {
              stats.bytesRead.addAndGet(read);
            }
            return read;
          }
        };
    return response
        .newBuilder()
        .body(ResponseBody.create(Okio.buffer(counting), body.contentType(), body.contentLength()))
        .build();
  }

  static String version() {
    try (InputStream in =
        HttpClients.class.getResourceAsStream("/io/coreviz/spark/version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "dev");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The key per-host limits go by: a request's host and port. */
  static String hostKey(okhttp3.HttpUrl url) {
    return url.host() + ":" + url.port();
  }
}
