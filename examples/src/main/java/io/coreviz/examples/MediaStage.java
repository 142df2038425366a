package io.coreviz.examples;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Media checks: each checked image's and video's blob downloaded once ({@link BlobChecks}), checked
 * whole and of the size and dimensions its metadata gives, and hashed; the results kept in the
 * history, so a later item is compared with every earlier one.
 */
final class MediaStage {

  static final String NAME = "media checks";

  /**
   * The run's blob checks ({@code inspected}, cached; with each image's bytes where the CLIP stage
   * follows), every blob check the history holds ({@code blobs}, cached) and the flags of the blobs
   * that are not {@code ok} ({@code id, reason}).
   */
  record Output(Dataset<Row> inspected, Dataset<Row> blobs, List<Row> flags) {}

  private MediaStage() {}

  /**
   * @param keepImages keep each image's bytes in {@code inspected} for the CLIP stage
   * @param newOnly every checked item was first seen by this run, so none has a blob check kept:
   *     the checks are appended, not merged
   */
  static Output run(QualityRun run, ReadStage.Output read, boolean keepImages, boolean newOnly) {
    run.progress().phase(NAME, "each checked image's and video's blob, fetched once");
    BlobChecks.Inspection inspection =
        BlobChecks.inspect(read.checked(), read.checks(), run.options(), keepImages);
    Dataset<Row> inspected = inspection.rows().cache();
    long fetched = inspected.count();
    run.progress()
        .note(
            fetched
                + " image and video blobs fetched and checked ("
                + inspection.retries().sum()
                + " downloads retried)");
    Dataset<Row> checks = keepImages ? inspected.drop("content") : inspected;
    if (newOnly) {
      run.history().appendBlobs(checks);
    } else {
      run.history().mergeBlobs(checks);
    }
    List<Row> flags = new ArrayList<>();
    for (Row row : inspected.filter("status <> 'ok'").select("id", "status").collectAsList()) {
      flags.add(RowFactory.create(row.getString(0), row.getString(1)));
    }
    Dataset<Row> blobs = run.history().blobs().cache();
    run.progress().done(flags.size() + " flags, " + blobs.count() + " blobs checked so far");
    return new Output(inspected, blobs, flags);
  }
}
