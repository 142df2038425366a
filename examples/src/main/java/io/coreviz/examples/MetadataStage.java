package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Metadata checks: the checked items whose metadata breaks one of {@link QualityChecks#RULES}
 * (missing dimensions or size, videos without frames, images without objects, names repeated in a
 * folder, which is why every item is looked at, not only the checked ones), and the items whose
 * name a checked one repeats in their folder.
 */
final class MetadataStage {

  static final String NAME = "metadata checks";

  /**
   * Every image and video with its folder ({@code media}, for the report), the run's flags ({@code
   * id, name, type, path, reason, kept}, cached: {@link QualityChecks#flagged(Dataset,
   * org.apache.spark.sql.Column)}) and whether an earlier run may have raised one already (of an
   * earlier item whose name a checked one repeats, as another earlier item did).
   */
  record Output(Dataset<Row> media, Dataset<Row> flagged, long flags, boolean flagsMayBeKept) {}

  private MetadataStage() {}

  static Output run(QualityRun run, ReadStage.Output read) {
    run.progress().phase(NAME, "the rules of " + String.join(", ", QualityChecks.RULES.keySet()));
    Dataset<Row> media = QualityChecks.media(read.all());
    Dataset<Row> flagged = QualityChecks.flagged(media, read.checking()).cache();
    Row counts = flagged.agg(count(lit(1)), count_if(col("kept"))).first();
    Output output = new Output(media, flagged, counts.getLong(0), counts.getLong(1) > 0);
    run.progress().done(output.flags() + " flags");
    return output;
  }
}
