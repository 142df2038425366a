package io.coreviz.spark.read;

import io.coreviz.spark.client.HttpClients;
import io.coreviz.spark.options.ReadOptions;
import org.apache.spark.sql.connector.catalog.Table;

/** Creates the table of a read; everything else in this package stays package-private. */
public final class CoreVizTables {

  private CoreVizTables() {}

  /** The table of a read; the HTTP client starts loading meanwhile, for the first query. */
  public static Table table(ReadOptions options) {
    HttpClients.warmUpInBackground();
    return new CoreVizTable(options);
  }
}
