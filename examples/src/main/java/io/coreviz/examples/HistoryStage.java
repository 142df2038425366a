package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_if;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * History: the run's flags recorded (new ones opened, known ones seen again, and in a full run the
 * open ones it did not raise resolved) and its checked items marked as checked by it.
 */
final class HistoryStage {

  static final String NAME = "history";

  /** Every flag kept ({@code flags}), the open ones (cached), and what this run changed. */
  record Output(Dataset<Row> flags, Dataset<Row> open, long newFlags, long resolved) {

    String summary() {
      return newFlags + " new flags, " + resolved + " resolved";
    }
  }

  private HistoryStage() {}

  /**
   * @param newOnly (incremental runs only) every checked item was first seen by this run, so none
   *     has a flag kept: the flags are appended, not merged, unless a duplicate set or a repeated
   *     name also flags an earlier item whose flag may be kept
   */
  static Output run(
      QualityRun run,
      ReadStage.Output read,
      MetadataStage.Output metadata,
      MediaStage.Output media,
      DuplicateStage.Output duplicates,
      boolean newOnly) {
    run.progress().phase(NAME, "the run's flags and checked items, in Delta");
    QualityHistory history = run.history();
    List<Row> mediaFlags = new ArrayList<>(media.flags());
    mediaFlags.addAll(duplicates.flags());
    Dataset<Row> flagged =
        metadata
            .flagged()
            .select("id", "name", "type", "path", "reason")
            .unionByName(
                read.all()
                    .select("id", "name", "type", "path")
                    .join(
                        run.spark()
                            .createDataFrame(
                                mediaFlags,
                                new StructType().add("id", "string").add("reason", "string")),
                        "id")
                    .select("id", "name", "type", "path", "reason"));
    if (newOnly && !duplicates.flagsUnchecked() && !metadata.flagsMayBeKept()) {
      history.appendFlags(flagged, run.runId(), run.at());
    } else {
      history.mergeFlags(flagged, run.runId(), run.at(), run.full());
    }
    // An incremental run keeps its new items as checked by it; the others it checked (left by a
    // run that failed, or every item in a full run) are marked now. The run's row, written last,
    // is what makes either count: without it the next run checks them again.
    Dataset<Row> marked =
        run.full()
            ? read.checked()
            : read.checked().filter(col("first_seen_run").notEqual(run.runId()));
    if (!newOnly) {
      history.markChecked(marked, run.runId());
    }
    Dataset<Row> flags = history.flags();
    Dataset<Row> open = flags.filter("resolved_at IS NULL").cache();
    Row changed =
        flags
            .agg(
                count_if(col("first_seen_run").equalTo(run.runId())),
                count_if(col("resolved_run").equalTo(run.runId())))
            .first();
    Output output = new Output(flags, open, changed.getLong(0), changed.getLong(1));
    run.progress().done(output.summary());
    return output;
  }
}
