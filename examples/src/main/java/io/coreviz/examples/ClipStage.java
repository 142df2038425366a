package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * CLIP: each checked image scored against its text and embedded, from the bytes the media stage
 * downloaded ({@link ClipCheck}); the embeddings kept in the history per model, and the pairs of
 * near copies by embedding found among every image embedded so far ({@link ClipDuplicates}).
 */
final class ClipStage {

  static final String NAME = "CLIP";

  /** The near copies by embedding ({@code [x, y]}, not byte-equal) and the text scores' summary. */
  record Output(List<String[]> nearPairs, ClipCheck.Summary summary) {}

  private ClipStage() {}

  /**
   * @param newOnly every checked item was first seen by this run, so none has an embedding kept:
   *     the embeddings are appended, not merged
   */
  static Output run(
      QualityRun run, ReadStage.Output read, MediaStage.Output media, boolean newOnly) {
    ClipCheck.Settings clip = run.settings().clip();
    run.progress().phase(NAME, "each checked image against its text, and its embedding");
    Dataset<Row> clipped =
        ClipCheck.embed(read.checked(), media.inspected(), clip, run.options())
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> embeddings = ClipDuplicates.embeddings(clipped, clip.modelPath());
    if (newOnly) {
      run.history().appendEmbeddings(embeddings);
    } else {
      run.history().mergeEmbeddings(embeddings);
    }
    List<String[]> pairs = nearPairs(run, read.checked(), media.blobs());
    run.progress().note(pairs.size() + " pairs of near copies by CLIP embedding");
    ClipCheck.Summary summary = ClipCheck.run(clipped, clip, run.settings().out());
    clipped.unpersist();
    run.progress()
        .done(summary.scored() + " scored, " + summary.lowMatch() + " below " + clip.minScore());
    return new Output(pairs, summary);
  }

  /**
   * Pairs of a checked image and any image embedded so far with the same model whose cosine is at
   * least the settings' {@code minCosine}, other than pairs of the same bytes (left to the exact
   * duplicates).
   */
  private static List<String[]> nearPairs(
      QualityRun run, Dataset<Row> checked, Dataset<Row> blobs) {
    ClipCheck.Settings clip = run.settings().clip();
    Dataset<Row> all = run.history().embeddings().filter(col("model").equalTo(clip.modelPath()));
    Dataset<Row> fresh = all.join(checked.select("id"), "id");
    Dataset<Row> sha = blobs.select("id", "sha256");
    List<String[]> pairs = new ArrayList<>();
    for (Row pair :
        ClipDuplicates.pairs(fresh, all, clip.minCosine())
            .join(sha.toDF("x", "x_sha256"), new String[] {"x"}, "left")
            .join(sha.toDF("y", "y_sha256"), new String[] {"y"}, "left")
            .filter("x_sha256 IS NULL OR y_sha256 IS NULL OR x_sha256 <> y_sha256")
            .select("x", "y")
            .collectAsList()) {
      pairs.add(new String[] {pair.getString(0), pair.getString(1)});
    }
    return pairs;
  }
}
