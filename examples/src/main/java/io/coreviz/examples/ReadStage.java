package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Read: the items created since the last run (every item in a full run) into the history's media
 * table, and the items this run checks: those no finished run has checked.
 */
final class ReadStage {

  static final String NAME = "read";

  /**
   * Every item kept so far ({@code all}, cached), those this run saw first, and those it checks:
   * the rows of {@code all} where {@code checking} holds (the new ones, those a run that failed
   * left, or every item in a full run).
   */
  record Output(Dataset<Row> all, long items, long newItems, Column checking, long checks) {

    /** The items this run checks. */
    Dataset<Row> checked() {
      return all.filter(checking);
    }

    String summary() {
      return newItems + " new items, " + items + " in all; " + checks + " to check";
    }
  }

  private ReadStage() {}

  /**
   * @param finished the runs so far, each of which finished (its row is in the runs table)
   */
  static Output run(QualityRun run, List<RunRow> finished) throws IOException {
    run.progress().phase(NAME, run.full() ? "every item" : "the items created since the last run");
    QualityHistory history = run.history();
    if (run.full()) {
      history.mergeMedia(
          run.spark().read().format("coreviz").options(run.options()).load(),
          run.runId(),
          run.at());
    } else {
      readNew(run);
    }
    long loading = System.nanoTime();
    Dataset<Row> all = history.media().cache();
    Column checking = run.full() ? lit(true) : QualityHistory.unchecked(finished);
    Row counts =
        all.agg(
                count(lit(1)),
                count_if(col("first_seen_run").equalTo(run.runId())),
                count_if(checking))
            .first();
    run.progress()
        .note(
            String.format(
                Locale.ROOT,
                "every item kept so far loaded from Delta into the cache and counted in %.1f s",
                (System.nanoTime() - loading) / 1e9));
    Output output =
        new Output(all, counts.getLong(0), counts.getLong(1), checking, counts.getLong(2));
    run.progress().done(output.summary());
    return output;
  }

  /**
   * Reads the items created since the last run's offsets with {@code Trigger.AvailableNow} and
   * keeps those not kept yet (a full run may have kept some), as checked by this run. Each
   * micro-batch is read once, as the append to the media table writes it (caching it first, to
   * count it apart, cost about half a second a night: Spark's columnar cache and a job of its own).
   * Prints how many items the stream read (Spark's own count, {@code numInputRows} of the
   * micro-batches' progress reports), the time reading and keeping them took, the time of the
   * stream's own work, and the stream's state.
   */
  private static void readNew(QualityRun run) throws IOException {
    AtomicLong keeping = new AtomicLong();
    Set<Long> batches = ConcurrentHashMap.newKeySet();
    QualityHistory history = run.history();
    long start = System.nanoTime();
    try {
      StreamingQuery query =
          run.spark()
              .readStream()
              .format("coreviz")
              .options(run.options())
              .load()
              .writeStream()
              .option("checkpointLocation", run.settings().checkpoint())
              .foreachBatch(
                  (VoidFunction2<Dataset<Row>, Long>)
                      (batch, id) -> {
                        long keep = System.nanoTime();
                        history.insertNewMedia(
                            batch, run.runId(), run.at(), run.settings().checkpoint(), id);
                        keeping.addAndGet(System.nanoTime() - keep);
                        batches.add(id);
                      })
              .trigger(Trigger.AvailableNow())
              .start();
      query.awaitTermination();
      double total = (System.nanoTime() - start) / 1e9;
      run.progress()
          .note(
              String.format(
                  Locale.ROOT,
                  "%s read from CoreViz and kept in Delta in %.1f s; the stream's own start,"
                      + " offsets and commits %.1f s",
                  itemsRead(query.recentProgress(), batches),
                  keeping.get() / 1e9,
                  total - keeping.get() / 1e9));
      run.progress().note(streamState(query));
    } catch (TimeoutException | StreamingQueryException e) {
      throw new IOException("the incremental read failed: " + e.getMessage(), e);
    }
  }

  /**
   * "50 items": the rows the micro-batches {@code batches} read, from their progress reports; where
   * Spark no longer keeps a report of each ({@code spark.sql.streaming.numRecentProgressUpdates}),
   * those of the reports it kept, saying so.
   */
  private static String itemsRead(StreamingQueryProgress[] reports, Set<Long> batches) {
    long items = 0;
    Set<Long> reported = new HashSet<>();
    for (StreamingQueryProgress report : reports) {
      if (batches.contains(report.batchId()) && reported.add(report.batchId())) {
        items += report.numInputRows();
      }
    }
    String read = items + (items == 1 ? " item" : " items");
    return reported.size() == batches.size()
        ? read
        : read + " in the last " + reported.size() + " of " + batches.size() + " micro-batches";
  }

  /**
   * How far the stream got: its micro-batches and the source's state after the last of them ({@code
   * itemsBehindLatest}, {@code newestCreatedAt}, {@code lagSeconds}).
   */
  static String streamState(StreamingQuery query) {
    StreamingQueryProgress[] reports = query.recentProgress();
    long batches = Arrays.stream(reports).filter(p -> p.numInputRows() > 0).count();
    Map<String, String> metrics = Map.of();
    for (StreamingQueryProgress report : reports) {
      if (report.sources().length > 0 && !report.sources()[0].metrics().isEmpty()) {
        metrics = report.sources()[0].metrics();
      }
    }
    return String.format(
        Locale.ROOT,
        "stream: %d micro-batches; items behind the newest: %s, newest item created at %s,"
            + " lag %s s",
        batches,
        metrics.getOrDefault("itemsBehindLatest", "0"),
        metrics.getOrDefault("newestCreatedAt", "-"),
        metrics.getOrDefault("lagSeconds", "0"));
  }
}
