package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.ExplainMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first-read benchmark's reference source returns every item once, or fails. */
class PlainClientSourceTest {

  private static final String KEY = "plain-source-key-51c0";

  private static SparkSession spark;
  private static MediaCollection collection;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    // Not a whole number of pages, so the two partitions' shares differ.
    collection = SyntheticCollection.generate(17, 1_234);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("PlainClientSourceTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  private static Dataset<Row> read(String key) {
    return spark
        .read()
        .format(PlainClientSource.class.getName())
        .option("endpoint", server.baseUrl())
        .option("apiKey", key)
        .option("collectionId", collection.id())
        .load();
  }

  @Test
  void everyStoredItemComesOnceWithItsName() {
    Map<String, String> stored =
        collection.items().stream().collect(Collectors.toMap(MediaItem::id, MediaItem::name));

    var rows = read(KEY).select("id", "name").collectAsList();

    assertThat(rows).as("one row per stored item").hasSize(stored.size());
    assertThat(
            rows.stream()
                .collect(Collectors.toMap(row -> row.getString(0), row -> row.getString(1))))
        .as("each id once, with its stored name")
        .isEqualTo(stored);
    assertThat(read(KEY).rdd().getNumPartitions()).isEqualTo(2);
  }

  @Test
  void aPageThatFailsFailsTheRead() {
    server.faults(
        request ->
            "200".equals(request.query().get("offset"))
                ? FaultInjector.Reply.json(500, "{\"error\":\"boom\"}")
                : null);
    try {
      assertThatThrownBy(() -> read(KEY).select("id").collectAsList())
          .hasStackTraceContaining("HTTP 500 at 200");
    } finally {
      server.faults(FaultInjector.NONE);
    }
  }

  @Test
  void aMissingOptionIsNamed() {
    assertThatThrownBy(
            () ->
                spark
                    .read()
                    .format(PlainClientSource.class.getName())
                    .option("endpoint", server.baseUrl())
                    .option("apiKey", KEY)
                    .load())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'collectionId'");
  }

  @Test
  void theKeyStaysOutOfThePlan() {
    String plan = read(KEY).queryExecution().explainString(ExplainMode.fromString("extended"));

    assertThat(plan).contains(collection.id()).doesNotContain(KEY);
  }
}
