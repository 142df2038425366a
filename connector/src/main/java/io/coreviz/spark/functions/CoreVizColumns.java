package io.coreviz.spark.functions;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

/**
 * The catalog's functions for the DataFrame API, for sessions with the {@code coreviz} catalog
 * configured ({@link io.coreviz.spark.catalog.CoreVizCatalog}). Filters built with them push down
 * as API parameters like their SQL forms.
 *
 * <pre>{@code
 * media.filter(CoreVizColumns.hasTag("color", "red").or(CoreVizColumns.hasTag("color", "blue")))
 * }</pre>
 */
public final class CoreVizColumns {

  private CoreVizColumns() {}

  /** {@code coreviz.has_tag(metadata.tags, group, value)}. */
  public static Column hasTag(String group, String value) {
    return call_function("coreviz.has_tag", functions.col("metadata.tags"), lit(group), lit(value));
  }

  /** {@code coreviz.has_any_tag(metadata.tags, group, array(values…))}. */
  public static Column hasAnyTag(String group, String... values) {
    Column[] literals = new Column[values.length];
    for (int i = 0; i < values.length; i++) {
      literals[i] = lit(values[i]);
    }
    return call_function(
        "coreviz.has_any_tag",
        functions.col("metadata.tags"),
        lit(group),
        functions.array(literals));
  }

  /** {@code coreviz.in_folder(path, folderPath)}. */
  public static Column inFolder(String folderPath) {
    return call_function("coreviz.in_folder", functions.col("path"), lit(folderPath));
  }
}
