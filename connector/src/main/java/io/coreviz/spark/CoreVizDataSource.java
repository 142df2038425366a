package io.coreviz.spark;

import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.options.SparkRedaction;
import io.coreviz.spark.read.CoreVizTables;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;

/**
 * {@code spark.read.format("coreviz")}: a CoreViz collection as a table of {@link
 * MediaSchema#SCHEMA}. Options are listed in {@link io.coreviz.spark.options.CoreVizOptions}; they
 * are validated when the table is created, before any request is made.
 */
public final class CoreVizDataSource implements TableProvider, DataSourceRegister {

  @Override
  public String shortName() {
    return "coreviz";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return MediaSchema.SCHEMA;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    Option<SparkSession> session = SparkSession.getActiveSession();
    ReadOptions options =
        ReadOptions.parse(properties, System::getenv, SparkRedaction.settings(session));
    return CoreVizTables.table(options);
  }
}
