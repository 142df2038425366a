package io.coreviz.examples;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Metadata checks: the checked items whose metadata breaks one of {@link QualityChecks#RULES}
 * (missing dimensions or size, videos without frames, images without objects, names repeated in a
 * folder, which is why every item is looked at, not only the checked ones).
 */
final class MetadataStage {

  static final String NAME = "metadata checks";

  /**
   * Every image and video with its folder ({@code media}, for the report) and the checked items'
   * flags ({@code id, name, type, path, reason}, cached).
   */
  record Output(Dataset<Row> media, Dataset<Row> flagged, long flags) {}

  private MetadataStage() {}

  static Output run(QualityRun run, ReadStage.Output read) {
    run.progress().phase(NAME, "the rules of " + String.join(", ", QualityChecks.RULES.keySet()));
    Dataset<Row> media = QualityChecks.media(read.all());
    Dataset<Row> flagged =
        QualityChecks.flagged(media)
            .join(read.checked().select("id"), "id")
            .select("id", "name", "type", "path", "reason")
            .cache();
    Output output = new Output(media, flagged, flagged.count());
    run.progress().done(output.flags() + " flags");
    return output;
  }
}
