package io.coreviz.spark.read.pushdown;

/** What a rule did with a predicate. */
enum Outcome {
  /** The API applies it exactly as Spark would: Spark drops it. */
  EXACT,
  /** Sent as a pre-filter (a superset): Spark evaluates it again. */
  PREFILTER,
  /** Not sent: Spark alone evaluates it. */
  NOT_PUSHED
}
