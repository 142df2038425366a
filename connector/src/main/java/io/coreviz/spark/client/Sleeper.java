package io.coreviz.spark.client;

import java.time.Duration;

/** Waits; injectable so retry and rate-limit tests run instantly. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  Sleeper REAL =
      duration -> Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
}
