package io.coreviz.spark.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

/**
 * The one {@link Transport} of this JVM (per executor), so every reader shares its connection pool,
 * its per-host limits and its retries.
 */
public final class HttpClients {

  /**
   * The dispatcher's ceilings: never the binding limit. Requests in flight per host are capped by
   * the call policy's {@code maxConcurrentRequestsPerExecutor} (at most 1,024) in the {@link
   * RequestBudget}, which counts the wait; OkHttp's own per-host cap (5 by default) would hold the
   * rest back silently.
   */
  static final int MOST_PER_HOST = 1024;

  /** {@code coreviz-spark/<version> Java/<version>}, sent as User-Agent. */
  public static final String USER_AGENT =
      "coreviz-spark/" + version() + " Java/" + System.getProperty("java.version");

  private static final class Holder {
    static final Transport SHARED =
        new Transport(
            client(),
            new RequestBudget(HttpClients::schedule, System::nanoTime),
            HttpClients::schedule,
            System::nanoTime,
            new SplittableRandom());

    /** Runs retries when their wait is over: one daemon thread that only sends them. */
    static final ScheduledExecutorService RETRIES =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "coreviz-retry");
              thread.setDaemon(true);
              return thread;
            });
  }

  private HttpClients() {}

  public static Transport shared() {
    return Holder.SHARED;
  }

  private static final AtomicBoolean WARMING = new AtomicBoolean();

  /**
   * Builds the shared transport in a daemon thread, once per JVM: OkHttp, Kotlin and the JDK's TLS
   * classes (its trust store read from disk) load while Spark analyses and plans the query that
   * will use it, instead of in front of planning's first request. A caller that needs it sooner
   * waits for that build; it is never built twice.
   */
  public static void warmUpInBackground() {
    if (WARMING.compareAndSet(false, true)) {
      Thread warmUp = new Thread(HttpClients::shared, "coreviz-warm-up");
      warmUp.setDaemon(true);
      warmUp.start();
    }
  }

  private static void schedule(Runnable task, Duration delay) {
    Holder.RETRIES.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * A transport with the connector's retries, its {@link RequestBudget} (the per-host limit of
   * requests in flight and the rate cap) and byte counting; {@code sleeper} and {@code nanoTime}
   * are injectable so tests of waiting run instantly (a wait is then slept, in the thread that
   * found it due).
   */
  public static Transport create(Sleeper sleeper, LongSupplier nanoTime) {
    return create(sleeper, nanoTime, new SplittableRandom());
  }

  /** As above, with the jitter's draws from {@code jitter}, so tests can pin them. */
  static Transport create(Sleeper sleeper, LongSupplier nanoTime, RandomGenerator jitter) {
    Transport.Scheduler sleeping =
        (task, delay) -> {
          try {
            sleeper.sleep(delay);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          task.run();
        };
    return new Transport(
        client(), new RequestBudget(sleeping, nanoTime), sleeping, nanoTime, jitter);
  }

  private static OkHttpClient client() {
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
    dispatcher.setMaxRequests(4 * MOST_PER_HOST);
    dispatcher.setMaxRequestsPerHost(MOST_PER_HOST);
    return new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        // Idle connections are kept less long than load balancers keep them (often 60 s): one the
        // server closed would fail the next request sent on it.
        .connectionPool(new ConnectionPool(16, 50, TimeUnit.SECONDS))
        // Redirects are never followed, so the credentials go to the endpoint's host and nowhere
        // else. OkHttp's own silent retries are off: every retry is Transport's, by the policy,
        // counted.
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .addInterceptor(HttpClients::policyTimeouts)
        .addNetworkInterceptor(HttpClients::countBytes)
        .addNetworkInterceptor(new LoggingInterceptor())
        .addNetworkInterceptor(
            chain ->
                chain.proceed(
                    chain.request().newBuilder().header("User-Agent", USER_AGENT).build()))
        .build();
  }

  /** Each attempt's connect and read timeouts, from the request's call policy. */
  private static Response policyTimeouts(Interceptor.Chain chain) throws IOException {
    CallPolicy policy = chain.request().tag(CallPolicy.class);
    if (policy == null) {
      policy = CallPolicy.DEFAULT;
    }
    return chain
        .withConnectTimeout((int) policy.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .withReadTimeout((int) policy.readTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .proceed(chain.request());
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
