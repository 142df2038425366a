package io.coreviz.examples;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Sets of items showing the same picture, from {@link BlobChecks}' rows: exact copies share a
 * SHA-256; near copies have perceptual hashes within {@value #MAX_DISTANCE} bits of each other and
 * colour layouts within {@value #MAX_COLOR_DISTANCE} levels. Candidate pairs come from hash bands:
 * two items are compared when one of the hash's 8 bytes is equal in both or differs by one bit, so
 * every pair within 15 bits is compared (two hashes whose every byte differs by two bits or more
 * are 16 bits apart at least), pairs of 16 to {@value #MAX_DISTANCE} bits where a byte is that
 * close, and no pair of all items is compared otherwise. Only pairs with a checked item are looked
 * for. Each candidate is confirmed by its Hamming distance and its colours, and confirmed pairs are
 * joined into sets (an item near two others puts all three in one set).
 */
final class DuplicateSets {

  /**
   * Bits two pictures may differ in and still be one picture. Measured on the local server's
   * pictures over 21 generated collections: re-encoded, half-size and 4%-cropped copies differ from
   * their original in up to 18 of 64 bits (the most, cropped ones); different pictures come much
   * closer than that (simple gradients and shapes), so the colours tell those apart (see
   * QualityMediaChecksTest and docs/quality-job.md).
   */
  static final int MAX_DISTANCE = 20;

  /**
   * How far apart (mean absolute difference of {@link PictureFingerprint#colors}, 0 to 255) two
   * pictures' colour layouts may be and still be one picture. Measured as above: copies within 7.5
   * levels, different pictures within {@value #MAX_DISTANCE} bits 16 levels apart or more.
   */
  static final double MAX_COLOR_DISTANCE = 12;

  /** A byte of the hash as it is, then with each of its 8 bits flipped: the values probed. */
  private static final String PROBES =
      "transform(sequence(0, 8), k -> IF(k = 0, value, value ^ shiftleft(1L, k - 1)))";

  private DuplicateSets() {}

  /**
   * Sets of two or more ids whose blobs are the same bytes, each with an item of {@code checked} (a
   * column {@code id}) in it.
   */
  static List<Set<String>> exact(Dataset<Row> blobs, Dataset<Row> checked) {
    List<Set<String>> sets = new ArrayList<>();
    for (Row row :
        tagged(blobs.filter("sha256 IS NOT NULL").select("id", "sha256"), checked)
            .groupBy("sha256")
            .agg(collect_set("id").as("ids"), expr("bool_or(checked)").as("any_checked"))
            .filter("size(ids) > 1 AND any_checked")
            .select("sha256", "ids")
            .collectAsList()) {
      sets.add(new TreeSet<>(row.getList(1)));
    }
    return sets;
  }

  /**
   * Pairs of ids (each {@code [x, y]}, {@code x < y}) whose pictures are near copies by perceptual
   * hash and colour layout, and not byte-equal, with an item of {@code checked} (a column {@code
   * id}) in each. Only the checked items' bands are probed, so the join grows with the checked
   * items times all, not with all squared: a run that checks its new items compares them with every
   * earlier one, and the earlier items' pairs among themselves were found when they were checked.
   */
  static List<String[]> nearPairs(Dataset<Row> blobs, Dataset<Row> checked) {
    Dataset<Row> hashed =
        tagged(
            blobs.filter("phash IS NOT NULL").select("id", "sha256", "phash", "colors"), checked);
    Dataset<Row> bands =
        hashed.select(
            col("id"),
            col("sha256"),
            col("phash"),
            col("colors"),
            col("checked"),
            expr("posexplode(transform(sequence(0, 7), i -> shiftright(phash, i * 8) & 255))")
                .as(new String[] {"band", "value"}));
    Dataset<Row> a = bands.filter("checked").withColumn("probe", explode(expr(PROBES))).as("a");
    Dataset<Row> b = bands.as("b");
    UserDefinedFunction colorDistance =
        udf((UDF2<byte[], byte[], Double>) BlobChecks::colorDistance, DataTypes.DoubleType);
    List<String[]> pairs = new ArrayList<>();
    for (Row pair :
        a.join(
                b,
                expr(
                    "a.band = b.band AND a.probe = b.value AND a.sha256 <> b.sha256"
                        // Two checked items are found from both sides: keep one.
                        + " AND (a.id < b.id OR NOT b.checked)"))
            .where(expr("bit_count(a.phash ^ b.phash)").leq(MAX_DISTANCE))
            .select(
                least(col("a.id"), col("b.id")).as("x"),
                greatest(col("a.id"), col("b.id")).as("y"),
                col("a.colors").as("a_colors"),
                col("b.colors").as("b_colors"))
            .dropDuplicates("x", "y")
            .where(colorDistance.apply(col("a_colors"), col("b_colors")).leq(MAX_COLOR_DISTANCE))
            .select("x", "y")
            .collectAsList()) {
      pairs.add(new String[] {pair.getString(0), pair.getString(1)});
    }
    return pairs;
  }

  /**
   * {@code rows} with a column {@code checked}: whether the row's id is among {@code checked}'s.
   */
  private static Dataset<Row> tagged(Dataset<Row> rows, Dataset<Row> checked) {
    return rows.join(
            checked.select(col("id"), lit(true).as("checked")), new String[] {"id"}, "left")
        .withColumn("checked", coalesce(col("checked"), lit(false)));
  }

  /** Pairs joined into sets: ids paired directly or through others are one set. */
  static List<Set<String>> sets(List<String[]> pairs) {
    UnionFind sets = new UnionFind();
    pairs.forEach(pair -> sets.join(pair[0], pair[1]));
    return sets.sets();
  }

  /** Items joined into sets, each set named by its smallest member's root. */
  private static final class UnionFind {
    private final Map<String, String> parent = new HashMap<>();

    String root(String id) {
      String p = parent.getOrDefault(id, id);
      if (p.equals(id)) {
        return id;
      }
      String r = root(p);
      parent.put(id, r);
      return r;
    }

    void join(String x, String y) {
      parent.putIfAbsent(x, x);
      parent.putIfAbsent(y, y);
      String rx = root(x);
      String ry = root(y);
      if (rx.compareTo(ry) < 0) {
        parent.put(ry, rx);
      } else if (ry.compareTo(rx) < 0) {
        parent.put(rx, ry);
      }
    }

    List<Set<String>> sets() {
      Map<String, Set<String>> byRoot = new HashMap<>();
      for (String id : new ArrayList<>(parent.keySet())) {
        byRoot.computeIfAbsent(root(id), r -> new TreeSet<>()).add(id);
      }
      List<Set<String>> sets = new ArrayList<>();
      byRoot.values().stream()
          .filter(set -> set.size() > 1)
          .sorted((x, y) -> x.iterator().next().compareTo(y.iterator().next()))
          .forEach(set -> sets.add(new LinkedHashSet<>(set)));
      return sets;
    }
  }
}
