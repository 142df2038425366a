package io.coreviz.examples;

import java.sql.Timestamp;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One run of the quality job, as the {@code runs} table keeps it.
 *
 * @param mode {@code incremental} (the items created since the last run) or {@code full}
 * @param items items in the collection as far as the job has seen them, after this run
 * @param newItems items this run saw for the first time
 * @param checked items this run checked (the new ones, or all in a full run)
 * @param openFlags per reason, the flags open after this run
 * @param newFlags flags raised for the first time by this run
 * @param resolvedFlags flags a full run no longer found
 * @param phaseMillis per stage (read, metadata checks, media checks, CLIP, duplicates, history,
 *     report), its duration
 */
public record RunRow(
    String runId,
    Timestamp startedAt,
    Timestamp finishedAt,
    String mode,
    long items,
    long newItems,
    long checked,
    Map<String, Long> openFlags,
    long newFlags,
    long resolvedFlags,
    Map<String, Long> phaseMillis) {

  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("finished_at", DataTypes.TimestampType, false)
          .add("mode", DataTypes.StringType, false)
          .add("items", DataTypes.LongType, false)
          .add("new_items", DataTypes.LongType, false)
          .add("checked", DataTypes.LongType, false)
          .add(
              "open_flags",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType),
              false)
          .add("new_flags", DataTypes.LongType, false)
          .add("resolved_flags", DataTypes.LongType, false)
          .add(
              "phase_ms", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType), false);

  Row toRow() {
    return RowFactory.create(
        runId,
        startedAt,
        finishedAt,
        mode,
        items,
        newItems,
        checked,
        openFlags,
        newFlags,
        resolvedFlags,
        phaseMillis);
  }

  static RunRow of(Row row) {
    return new RunRow(
        row.getAs("run_id"),
        row.getAs("started_at"),
        row.getAs("finished_at"),
        row.getAs("mode"),
        row.getAs("items"),
        row.getAs("new_items"),
        row.getAs("checked"),
        row.getJavaMap(row.fieldIndex("open_flags")),
        row.getAs("new_flags"),
        row.getAs("resolved_flags"),
        row.getJavaMap(row.fieldIndex("phase_ms")));
  }
}
