package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSH;
import org.apache.spark.ml.feature.BucketedRandomProjectionLSHModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Near copies by what a picture shows rather than by its pixels: images whose CLIP embeddings have
 * a cosine of at least the job's {@code --clip-min-cosine}. Candidate pairs come from Spark ML's
 * locality-sensitive hashing ({@link BucketedRandomProjectionLSH}: random projections of the unit
 * embeddings cut into buckets, a pair a candidate when it shares a bucket in any of {@value
 * #HASH_TABLES} tables), so not every pair is compared; each candidate is confirmed by its exact
 * distance. For unit vectors the Euclidean distance is {@code sqrt(2 - 2 cosine)}.
 *
 * <p>LSH is approximate: a pair at the threshold shares no bucket with a probability of about 0.4
 * per table ({@value #HASH_TABLES} tables: under 1 in 200); closer pairs are found more surely.
 */
final class ClipDuplicates {

  /** Hash tables: more find more pairs near the threshold, and compare more that are not. */
  static final int HASH_TABLES = 6;

  /** A fixed seed: the same embeddings give the same pairs in every run. */
  private static final long SEED = 20_261_130L;

  private ClipDuplicates() {}

  /**
   * The image embeddings of {@code embedded} ({@link ClipCheck#embed}'s output): {@code id}, {@code
   * model} and {@code embedding} (unit length); images that could not be fetched or decoded are
   * left out (the blob checks count them).
   */
  static Dataset<Row> embeddings(Dataset<Row> embedded, String modelPath) {
    return embedded
        .filter(col("type").equalTo("image").and(col("embedding").isNotNull()))
        .select(col("id"), lit(modelPath).as("model"), col("embedding"));
  }

  /**
   * Pairs (columns {@code x < y}, {@code cosine}) of an image of {@code fresh} and an image of
   * {@code all} (both with {@code id} and {@code embedding}) whose cosine is at least {@code
   * minCosine}.
   */
  static Dataset<Row> pairs(Dataset<Row> fresh, Dataset<Row> all, double minCosine) {
    if (fresh.isEmpty()) {
      // Nothing new to pair (and LSH learns the embeddings' dimension from a first row).
      return fresh
          .sparkSession()
          .createDataFrame(
              List.of(),
              new StructType().add("x", "string").add("y", "string").add("cosine", "double"));
    }
    double distance = Math.sqrt(Math.max(0, 2 - 2 * minCosine));
    BucketedRandomProjectionLSHModel lsh =
        new BucketedRandomProjectionLSH()
            .setInputCol("vector")
            .setOutputCol("hashes")
            // Twice the threshold: a pair at it shares a table's bucket with a probability of ~0.6.
            .setBucketLength(Math.max(1e-3, 2 * distance))
            .setNumHashTables(HASH_TABLES)
            .setSeed(SEED)
            .fit(vectors(fresh).limit(1));
    return lsh.approxSimilarityJoin(vectors(fresh), vectors(all), distance, "distance")
        .select(
            col("datasetA.id").as("a"),
            col("datasetB.id").as("b"),
            lit(1).minus(col("distance").multiply(col("distance")).divide(2)).as("cosine"))
        .filter(col("a").notEqual(col("b")))
        .selectExpr("least(a, b) AS x", "greatest(a, b) AS y", "cosine")
        .dropDuplicates("x", "y");
  }

  private static Dataset<Row> vectors(Dataset<Row> embeddings) {
    return embeddings.select(col("id"), functions.array_to_vector(col("embedding")).as("vector"));
  }
}
