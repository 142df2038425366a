package io.coreviz.examples;

import static org.apache.spark.sql.functions.col;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** What the job flagged, as the tests compare it: per reason, the ids. */
final class FlaggedIds {

  private FlaggedIds() {}

  /** Per reason among {@code reasons}, the ids of {@code flags} (rows with id and reason). */
  static Map<String, Set<String>> byReason(Dataset<Row> flags, Collection<String> reasons) {
    Map<String, Set<String>> byReason = new HashMap<>();
    for (Row row : flags.filter(col("reason").isin(reasons.toArray())).collectAsList()) {
      byReason.computeIfAbsent(row.getAs("reason"), r -> new HashSet<>()).add(row.getAs("id"));
    }
    return byReason;
  }
}
