package io.coreviz.spark.read.planning;

import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Reads just {@code createdAt}, for planners' probes. */
final class CreatedAt {

  static final MediaRowReader READER =
      new MediaRowReader(
          new StructType(new StructField[] {MediaSchema.SCHEMA.apply(MediaSchema.CREATED_AT)}));

  private CreatedAt() {}
}
