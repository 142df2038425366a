package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Whether slices of a scored query score their items as the whole query does: a service that
 * normalises relevance per result set gives an item another {@code _score} in a narrower query. The
 * first items of the whole and of each slice are compared (one request each, all at once): an item
 * scoring above the last of the whole's first {@value #CHECKED} (ties at that score may fall either
 * side of the cut) ranks no lower in its slice than in the whole, so it must be among the first of
 * both, with the same score; and the same the other way, for each slice's first items.
 */
public final class ScoreCheck {

  /** How many of the first items of the whole query and of each slice are compared. */
  static final int CHECKED = 20;

  /** {@code id} in column 0 and {@code _score} in column 1. */
  private static final MediaRowReader SCORES =
      new MediaRowReader(
          new StructType(
              new StructField[] {
                MediaSchema.SCHEMA.apply("id"), MediaSchema.SCHEMA.apply("_score")
              }));

  private ScoreCheck() {}

  /** Why {@code slices} do not score as {@code whole} does, or null where they do. */
  public static String differs(CoreVizClient client, MediaQuery whole, List<MediaQuery> slices) {
    CompletableFuture<MediaPage<InternalRow>> first =
        client.fetchAsync(whole.page(0, CHECKED), SCORES);
    List<CompletableFuture<MediaPage<InternalRow>>> tops = new ArrayList<>();
    for (MediaQuery slice : slices) {
      tops.add(client.fetchAsync(slice.page(0, CHECKED), SCORES));
    }
    try {
      Map<String, Double> sliced = new HashMap<>();
      for (CompletableFuture<MediaPage<InternalRow>> top : tops) {
        sliced.putAll(scores(Sizing.join(top)));
      }
      MediaPage<InternalRow> page = Sizing.join(first);
      Map<String, Double> ranked = scores(page);
      double cut =
          page.items().size() < CHECKED
              ? Double.NEGATIVE_INFINITY
              : ranked.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
      String differs = differs(ranked, sliced, cut, "the query", "its slice");
      return differs != null ? differs : differs(sliced, ranked, cut, "a slice", "the query");
    } finally {
      tops.forEach(Sizing::settled);
      Sizing.settled(first);
    }
  }

  /**
   * Why an item of {@code from} that scores above {@code cut} is not in {@code in} with the same
   * score, or null where each is.
   */
  private static String differs(
      Map<String, Double> from, Map<String, Double> in, double cut, String where, String other) {
    for (Map.Entry<String, Double> item : from.entrySet()) {
      if (item.getValue() == null || item.getValue() <= cut) {
        continue;
      }
      Double there = in.get(item.getKey());
      if (there == null) {
        return "item "
            + item.getKey()
            + " is among the first "
            + CHECKED
            + " of "
            + where
            + " but not of "
            + other;
      }
      if (!there.equals(item.getValue())) {
        return "item "
            + item.getKey()
            + " scores "
            + item.getValue()
            + " in "
            + where
            + " and "
            + there
            + " in "
            + other;
      }
    }
    return null;
  }

  private static Map<String, Double> scores(MediaPage<InternalRow> page) {
    Map<String, Double> scores = new HashMap<>();
    for (InternalRow row : page.items()) {
      if (!row.isNullAt(0)) {
        scores.put(row.getUTF8String(0).toString(), row.isNullAt(1) ? null : row.getDouble(1));
      }
    }
    return scores;
  }
}
