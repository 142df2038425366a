package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.options.ReadOptions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.NullOrdering;
import org.apache.spark.sql.connector.expressions.SortDirection;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The ScanBuilder contract, without Spark or a server: push what Spark would push, and assert what
 * the builder accepts, what it hands back to Spark, and the request the scan will send (its
 * description, which {@code explain()} shows).
 */
class ScanBuilderContractTest {

  private static final String ID = "0f8fad5bd9cb469fa16570867728950e";

  private static CoreVizScanBuilder builder(String... options) {
    Map<String, String> map = new HashMap<>(Map.of("collectionId", ID, "apiKey", "sk-contract"));
    for (int i = 0; i < options.length; i += 2) {
      map.put(options[i], options[i + 1]);
    }
    return new CoreVizScanBuilder(ReadOptions.parse(map, key -> null, key -> null));
  }

  private static Expression str(String value) {
    return new LiteralValue<>(UTF8String.fromString(value), DataTypes.StringType);
  }

  private static Predicate eq(String column, String value) {
    return new Predicate("=", new Expression[] {Expressions.column(column), str(value)});
  }

  private static Predicate createdAtAtLeast(String instant) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(instant));
    return new Predicate(
        ">=",
        new Expression[] {
          Expressions.column("createdAt"), new LiteralValue<>(micros, DataTypes.TimestampType)
        });
  }

  private static SortOrder by(String column, SortDirection direction) {
    return new SortOrder() {
      @Override
      public Expression expression() {
        return Expressions.column(column);
      }

      @Override
      public SortDirection direction() {
        return direction;
      }

      @Override
      public NullOrdering nullOrdering() {
        return direction.defaultNullOrdering();
      }
    };
  }

  private static final Aggregation COUNT_STAR =
      new Aggregation(new AggregateFunc[] {new CountStar()}, new Expression[0]);

  private static String request(CoreVizScanBuilder builder) {
    return builder.build().description();
  }

  @Test
  void aPlainReadListsTheWholeTreeOldestFirstPlannedByDate() {
    assertThat(request(builder()))
        .contains(
            "GET /api/dataset/" + ID + "/media?recursive=true&sortBy=createdAt&sortDirection=asc")
        .contains("[partitionBy=date]")
        .doesNotContain("sk-contract");
  }

  @Test
  void anExactFilterLeavesNothingForSparkAndAllowsLimitAndCount() {
    CoreVizScanBuilder builder = builder();

    Predicate[] left = builder.pushPredicates(new Predicate[] {eq("type", "image")});

    assertThat(left).isEmpty();
    assertThat(builder.pushedPredicates()).hasSize(1);
    assertThat(builder.pushLimit(5)).isTrue();
    assertThat(request(builder)).contains("type=image").contains("[limit 5]");
    assertThat(builder().pushAggregation(COUNT_STAR)).isTrue();
  }

  @Test
  void aCreatedAtBoundIsASupersetThatSparkKeeps() {
    CoreVizScanBuilder builder = builder();

    Predicate bound = createdAtAtLeast("2026-03-01T00:00:00Z");
    Predicate[] left = builder.pushPredicates(new Predicate[] {bound});

    assertThat(left).containsExactly(bound);
    assertThat(builder.pushLimit(5)).as("no LIMIT over rows Spark still filters").isFalse();
    assertThat(builder.pushAggregation(COUNT_STAR)).as("no count over a superset").isFalse();
    assertThat(request(builder)).contains("dateFrom=2026-02-28").contains("kept in Spark");
  }

  @Test
  void anIdLookupLeavesEveryOtherPredicateToSpark() {
    CoreVizScanBuilder builder = builder();
    Predicate id = eq("id", "abc");
    Predicate type = eq("type", "image");

    Predicate[] left = builder.pushPredicates(new Predicate[] {id, type});

    assertThat(left).containsExactlyInAnyOrder(id, type);
    assertThat(request(builder)).contains("mediaId=abc").contains("type=image");
  }

  @Test
  void topNOnCreatedAtIsPushedButOnNamesOnlyOnTheUsersWord() {
    SortOrder[] newest = {by("createdAt", SortDirection.DESCENDING)};
    SortOrder[] byName = {by("name", SortDirection.ASCENDING)};

    CoreVizScanBuilder dates = builder();
    assertThat(dates.pushTopN(newest, 10)).isTrue();
    assertThat(request(dates))
        .contains("sortBy=createdAt&sortDirection=desc")
        .contains("[top 10 by createdAt desc]");
    assertThat(builder().pushTopN(byName, 10)).isFalse();
    CoreVizScanBuilder codePoint = builder("serverSortsByCodePoint", "true");
    assertThat(codePoint.pushTopN(byName, 10)).isTrue();
    assertThat(request(codePoint)).contains("sortBy=name&sortDirection=asc");
  }

  @Test
  void countIsPushedOnlyWhereTheListedFolderCannotBeCounted() {
    String folder = ID + ".f1";

    assertThat(builder("path", folder).pushAggregation(COUNT_STAR))
        .as("a recursive listing of a folder may include the folder")
        .isFalse();
    assertThat(builder("path", folder, "type", "image").pushAggregation(COUNT_STAR)).isTrue();
    assertThat(builder("path", folder, "recursive", "false").pushAggregation(COUNT_STAR)).isTrue();
    CoreVizScanBuilder counted = builder();
    counted.pushAggregation(COUNT_STAR);
    assertThat(request(counted)).contains("[count(*) from pagination.total, checked]");
  }

  @Test
  void unreadColumnsAreNotInTheReadSchema() {
    CoreVizScanBuilder builder = builder();

    builder.pruneColumns(new StructType().add("name", DataTypes.StringType));

    assertThat(builder.build().readSchema().fieldNames()).containsExactly("name");
  }

  @Test
  void aScoredReadIsSlicedByDateAndItsTopNIsTheApisRelevanceOrder() {
    CoreVizScanBuilder builder = builder("q", "red shoes");

    assertThat(builder.pushTopN(new SortOrder[] {by("_score", SortDirection.DESCENDING)}, 20))
        .isTrue();
    assertThat(builder("q", "red shoes").build().description())
        .contains("q=red+shoes")
        .contains("[partitionBy=scored (date windows, relevance order)]");
  }
}
