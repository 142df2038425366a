package io.coreviz.spark.read;

import io.coreviz.spark.options.ReadOptions;
import org.apache.spark.sql.connector.catalog.Table;

/** Creates the table of a read; everything else in this package stays package-private. */
public final class CoreVizTables {

  private CoreVizTables() {}

  public static Table table(ReadOptions options) {
    return new CoreVizTable(options);
  }
}
