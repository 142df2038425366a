package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/** The one OkHttp client of this JVM (per executor), so every reader shares its connection pool. */
public final class HttpClients {

  /** {@code coreviz-spark/<version> Java/<version>}, sent as User-Agent. */
  public static final String USER_AGENT =
      "coreviz-spark/" + version() + " Java/" + System.getProperty("java.version");

  private static final class Holder {
    static final OkHttpClient SHARED = create();
  }

  private HttpClients() {}

  public static OkHttpClient shared() {
    return Holder.SHARED;
  }

  private static OkHttpClient create() {
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
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(60))
        .callTimeout(Duration.ofMinutes(5))
        .followRedirects(false)
        .addNetworkInterceptor(
            chain ->
                chain.proceed(
                    chain.request().newBuilder().header("User-Agent", USER_AGENT).build()))
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
}
