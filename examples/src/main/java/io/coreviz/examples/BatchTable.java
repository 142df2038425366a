package io.coreviz.examples;

import io.coreviz.spark.convert.MediaSchema;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A batch-readable table of the connector's schema whose every read is {@code scan}: the
 * benchmarks' reference sources ({@link RowsInMemory}, {@link PlainClientSource}) take no options
 * past their provider and push nothing down.
 */
record BatchTable(String name, Reads scan) implements SupportsRead {

  /** A scan of every column that is its own batch: only its partitions and readers to write. */
  interface Reads extends Scan, Batch {

    @Override
    default StructType readSchema() {
      return MediaSchema.SCHEMA;
    }

    @Override
    default Batch toBatch() {
      return this;
    }
  }

  @Override
  public StructType schema() {
    return MediaSchema.SCHEMA;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return () -> scan;
  }
}
