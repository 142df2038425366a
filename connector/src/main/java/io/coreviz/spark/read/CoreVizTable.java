package io.coreviz.spark.read;

import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.options.ReadOptions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import org.apache.spark.sql.connector.catalog.MetadataColumn;
import org.apache.spark.sql.connector.catalog.SupportsMetadataColumns;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * One collection, read-only. Its hidden columns ({@link MediaSchema#CONTENT_COLUMNS}: the blob's
 * bytes) are read only where a query names them.
 */
final class CoreVizTable implements SupportsRead, SupportsMetadataColumns {

  private final ReadOptions options;

  CoreVizTable(ReadOptions options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "coreviz." + options.collectionId();
  }

  @Override
  @SuppressWarnings("deprecation") // columns() would drop Spark 3.5, whose tables have schema()
  public StructType schema() {
    return MediaSchema.SCHEMA;
  }

  @Override
  public MetadataColumn[] metadataColumns() {
    return Arrays.stream(MediaSchema.CONTENT_COLUMNS.fields())
        .map(Hidden::new)
        .toArray(MetadataColumn[]::new);
  }

  /** A hidden column, as its field in {@link MediaSchema#CONTENT_COLUMNS} says. */
  private record Hidden(StructField field) implements MetadataColumn {
    @Override
    public String name() {
      return field.name();
    }

    @Override
    public DataType dataType() {
      return field.dataType();
    }

    @Override
    public String comment() {
      return field.getComment().getOrElse(() -> null);
    }
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap ignored) {
    // Options were parsed when the table was created; per-scan options would bypass validation.
    return new CoreVizScanBuilder(options);
  }

  @Override
  public String toString() {
    return name();
  }
}
