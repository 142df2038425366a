package io.coreviz.spark.catalog;

import io.coreviz.spark.functions.CatalogFunction;
import io.coreviz.spark.options.CoreVizOptions;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.options.SparkRedaction;
import io.coreviz.spark.read.CoreVizTables;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import scala.Option;

/**
 * A catalog of CoreViz collections and the connector's functions:
 *
 * <pre>
 * spark.sql.catalog.coreviz=io.coreviz.spark.catalog.CoreVizCatalog
 * spark.sql.catalog.coreviz.endpoint=https://lab.coreviz.io        (optional)
 * spark.sql.catalog.coreviz.collections=&lt;id&gt;,&lt;id&gt;             (listed by SHOW TABLES)
 * # credentials: COREVIZ_API_KEY, or spark.sql.catalog.coreviz.apiKey / .bearerToken
 * </pre>
 *
 * Every option of the {@code coreviz} source can be set the same way and applies to every table.
 * Tables: {@code coreviz.`<collectionId>`} is a whole collection, and {@code
 * coreviz.`<collectionId>`.`<folderId>`} (more namespace levels for deeper folders) is the subtree
 * of a folder. Functions: {@code coreviz.has_tag}, {@code coreviz.has_any_tag}, {@code
 * coreviz.in_folder} ({@link CatalogFunction}). The catalog is read-only and makes no request until
 * a table is scanned.
 */
public final class CoreVizCatalog implements TableCatalog, FunctionCatalog {

  /** Collection ids that {@code SHOW TABLES} lists, comma-separated. */
  public static final String COLLECTIONS = "collections";

  private String name;
  private Map<String, String> options = Map.of();

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = new HashMap<>(options.asCaseSensitiveMap());
    Option<SparkSession> session = SparkSession.getActiveSession();
    for (String credential :
        List.of(CoreVizOptions.API_KEY.name(), CoreVizOptions.BEARER_TOKEN.name())) {
      if (options.containsKey(credential) && session.isDefined()) {
        SparkRedaction.require(
            session.get(), "spark.sql.catalog." + name + "." + credential, options.get(credential));
      }
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length != 0) {
      return new Identifier[0];
    }
    List<Identifier> tables = new ArrayList<>();
    String configured = options.getOrDefault(COLLECTIONS, "");
    for (String id : configured.split(",")) {
      if (!id.isBlank()) {
        tables.add(Identifier.of(new String[0], id.trim()));
      }
    }
    return tables.toArray(new Identifier[0]);
  }

  /**
   * Loads a collection ({@code coreviz.`<id>`}) or a folder's subtree ({@code
   * coreviz.`<id>`.`<folder>`}). Options are validated here; bad ones fail with their message.
   */
  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    Map<String, String> read = new HashMap<>(options);
    read.remove(COLLECTIONS);
    String[] namespace = ident.namespace();
    if (namespace.length == 0) {
      read.put(CoreVizOptions.COLLECTION_ID.name(), ident.name());
    } else {
      read.put(CoreVizOptions.COLLECTION_ID.name(), namespace[0]);
      List<String> labels = new ArrayList<>(Arrays.asList(namespace));
      labels.set(0, labels.get(0).replace("-", "").toLowerCase(java.util.Locale.ROOT));
      labels.add(ident.name());
      read.put(CoreVizOptions.PATH.name(), String.join(".", labels));
    }
    Option<SparkSession> session = SparkSession.getActiveSession();
    ReadOptions parsed = ReadOptions.parse(read, System::getenv, SparkRedaction.settings(session));
    return CoreVizTables.table(parsed);
  }

  @Override
  @SuppressWarnings("deprecation") // the StructType form is the one Spark 3.5 has
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw readOnly();
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw readOnly();
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw readOnly();
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw readOnly();
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException(
        "The coreviz catalog is read-only: collections are managed in CoreViz");
  }

  @Override
  public Identifier[] listFunctions(String[] namespace) {
    if (namespace.length != 0) {
      return new Identifier[0];
    }
    return Arrays.stream(CatalogFunction.all())
        .map(f -> Identifier.of(new String[0], f.name()))
        .toArray(Identifier[]::new);
  }

  @Override
  public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
    CatalogFunction function =
        ident.namespace().length == 0 ? CatalogFunction.byName(ident.name()) : null;
    if (function == null) {
      throw new NoSuchFunctionException(ident);
    }
    return function;
  }
}
