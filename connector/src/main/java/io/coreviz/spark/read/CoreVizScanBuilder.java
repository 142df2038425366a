package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.options.ReadOptions.Pushdown;
import io.coreviz.spark.read.planning.PartitionPlanners;
import io.coreviz.spark.read.pushdown.FilterTranslator;
import io.coreviz.spark.read.pushdown.PushedFilters;
import java.util.Arrays;
import java.util.Set;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.SortDirection;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.SupportsPushDownAggregates;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.connector.read.SupportsPushDownTopN;
import org.apache.spark.sql.connector.read.SupportsPushDownV2Filters;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the scan of one query, taking what the API can do: filters ({@link FilterTranslator}), the
 * columns read, {@code LIMIT}, {@code ORDER BY … LIMIT} and {@code count(*)}. Each kind can be
 * turned off by its option; Spark then does that work itself.
 */
final class CoreVizScanBuilder
    implements SupportsPushDownV2Filters,
        SupportsPushDownRequiredColumns,
        SupportsPushDownLimit,
        SupportsPushDownTopN,
        SupportsPushDownAggregates {

  /**
   * String columns the API sorts by, never null by the API page. Their order is Spark's only where
   * the service compares code points; a locale collation (case- and accent-insensitive, as
   * databases default to) picks another top N, so they are pushed only when the user says so.
   */
  private static final Set<String> STRING_SORTABLE = Set.of("name", "type");

  private static final StructType COUNT =
      new StructType(
          new StructField[] {
            new StructField(
                "count", DataTypes.LongType, false, org.apache.spark.sql.types.Metadata.empty())
          });

  private final ReadOptions options;
  private PushedFilters filters;
  private StructType readSchema = MediaSchema.SCHEMA;
  private Integer limit;
  private ScanSpec.Order order;
  private boolean count;

  CoreVizScanBuilder(ReadOptions options) {
    this.options = options;
    this.filters = translate(new Predicate[0]);
  }

  private PushedFilters translate(Predicate[] predicates) {
    return FilterTranslator.translate(options.query(), predicates);
  }

  @Override
  public Predicate[] pushPredicates(Predicate[] predicates) {
    if (!options.pushes(Pushdown.FILTERS)) {
      return predicates;
    }
    filters = translate(predicates);
    return filters.residual().toArray(new Predicate[0]);
  }

  @Override
  public Predicate[] pushedPredicates() {
    return filters.pushed().toArray(new Predicate[0]);
  }

  @Override
  public void pruneColumns(StructType required) {
    Set<String> names = Set.of(required.fieldNames());
    StructField[] data =
        Arrays.stream(MediaSchema.SCHEMA.fields())
            .filter(field -> !options.pushes(Pushdown.COLUMNS) || names.contains(field.name()))
            .toArray(StructField[]::new);
    // The hidden columns a query names come after the others, as Spark lists them.
    StructField[] content =
        Arrays.stream(MediaSchema.CONTENT_COLUMNS.fields())
            .filter(field -> names.contains(field.name()))
            .toArray(StructField[]::new);
    StructField[] fields = Arrays.copyOf(data, data.length + content.length);
    System.arraycopy(content, 0, fields, data.length, content.length);
    readSchema = new StructType(fields);
  }

  @Override
  public boolean pushLimit(int rows) {
    if (!options.pushes(Pushdown.LIMIT) || !filters.complete()) {
      return false;
    }
    limit = rows;
    return true;
  }

  /**
   * Accepts {@code ORDER BY name|createdAt|type} (either direction) when browsing, and {@code ORDER
   * BY _score DESC} in scored mode, where the API's order is Spark's. Null placement does not
   * matter for columns the API never sends null; every row read is checked ({@link OrderCheck}).
   */
  @Override
  public boolean pushTopN(SortOrder[] orders, int rows) {
    if (!options.pushes(Pushdown.TOP_N) || !filters.complete() || orders.length != 1) {
      return false;
    }
    if (!(orders[0].expression() instanceof NamedReference ref) || ref.fieldNames().length != 1) {
      return false;
    }
    String column = ref.fieldNames()[0];
    boolean ascending = orders[0].direction() == SortDirection.ASCENDING;
    boolean supported =
        options.scored()
            ? column.equals("_score") && !ascending
            : column.equals(MediaSchema.CREATED_AT)
                || (options.serverSortsByCodePoint() && STRING_SORTABLE.contains(column));
    if (!supported) {
      return false;
    }
    order = new ScanSpec.Order(column, ascending);
    limit = rows;
    return true;
  }

  @Override
  public boolean isPartiallyPushed() {
    return true; // Spark re-applies LIMIT and the sort over what the requests return
  }

  @Override
  public boolean pushAggregation(Aggregation aggregation) {
    count = countable(aggregation);
    return count;
  }

  @Override
  public boolean supportCompletePushDown(Aggregation aggregation) {
    return countable(aggregation);
  }

  private boolean countable(Aggregation aggregation) {
    return options.pushes(Pushdown.AGGREGATES)
        && filters.complete()
        && isCountAll(aggregation)
        && filters.alternatives().stream().allMatch(CoreVizScanBuilder::withoutOwnFolder);
  }

  /**
   * True when no server can count the listed folder itself among the results: a recursive listing
   * of a folder may include it (ltree's {@code <@} is reflexive), which the readers drop but a
   * count from {@code pagination.total} cannot. The collection root is no item; a one-level listing
   * or an image/video filter excludes the folder anyway.
   */
  private static boolean withoutOwnFolder(MediaQuery query) {
    return !query.recursive()
        || query.path() == null
        || "image".equals(query.type())
        || "video".equals(query.type());
  }

  /** {@code count(*)} or {@code count(<non-null literal>)}, without GROUP BY. */
  private static boolean isCountAll(Aggregation aggregation) {
    if (aggregation.groupByExpressions().length != 0
        || aggregation.aggregateExpressions().length != 1) {
      return false;
    }
    AggregateFunc function = aggregation.aggregateExpressions()[0];
    return function instanceof CountStar
        || (function instanceof Count c
            && !c.isDistinct()
            && c.column() instanceof Literal<?> literal
            && literal.value() != null);
  }

  @Override
  public Scan build() {
    ScanSpec spec =
        count
            ? ScanSpec.of(options, filters, COUNT, null, null, true)
            : ScanSpec.of(options, filters, readSchema, limit, order, false);
    return new CoreVizScan(spec, PartitionPlanners.forOptions(options), options);
  }
}
