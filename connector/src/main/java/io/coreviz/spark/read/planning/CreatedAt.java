package io.coreviz.spark.read.planning;

import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads just {@code createdAt}, or an item's place in creation order, for planners' probes and the
 * stream's newest-items request.
 */
public final class CreatedAt {

  /** {@code createdAt} alone, in column 0. */
  static final MediaRowReader READER =
      new MediaRowReader(
          new StructType(new StructField[] {MediaSchema.SCHEMA.apply(MediaSchema.CREATED_AT)}));

  /** {@code createdAt} in column 0 and {@code id} in column 1. */
  public static final MediaRowReader WITH_ID =
      new MediaRowReader(
          new StructType(
              new StructField[] {
                MediaSchema.SCHEMA.apply(MediaSchema.CREATED_AT), MediaSchema.SCHEMA.apply("id")
              }));

  private CreatedAt() {}
}
