package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.NetworkFault;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each {@link NetworkFault} injected into one blob's download while the media checks fetch a
 * collection with no defects: every blob still checks out, none is flagged unavailable, and the
 * downloads retried equal the faults the server's log shows.
 */
class MediaCheckDownloadFaultsTest {

  private static final String KEY = "media-faults-key";
  private static final MediaCollection COLLECTION =
      SyntheticCollection.generate(33, 60).measureSizes();
  private static SparkSession spark;
  private static CoreVizEmulator server;
  private static Map<String, String> options;

  @BeforeAll
  static void start() {
    server = CoreVizEmulator.builder().collection(COLLECTION).credential(KEY).start();
    spark = TestSessions.withDelta("MediaCheckDownloadFaultsTest");
    options =
        Map.of(
            "endpoint",
            server.baseUrl(),
            "apiKey",
            KEY,
            "collectionId",
            COLLECTION.id(),
            "readTimeoutMs",
            "1000",
            "retryBackoffMs",
            "100",
            "maxRetries",
            "6");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  @ParameterizedTest
  @EnumSource(NetworkFault.class)
  void everyBlobChecksOutWhateverFaultItsDownloadMeets(NetworkFault fault) {
    server.clearRequests();
    server.faults(fault.once(RecordedRequest::isBlobRequest));

    BlobChecks.Inspection inspection =
        BlobChecks.inspect(spark.read().format("coreviz").options(options).load(), options);
    List<Row> rows = inspection.rows().select("id", "status", "detail").collectAsList();

    long injected =
        server.requests().stream()
            .filter(RecordedRequest::isBlobRequest)
            .filter(fault::injectedInto)
            .count();
    assertThat(injected).isEqualTo(1);
    assertThat(rows)
        .extracting(row -> row.getString(0))
        .containsExactlyInAnyOrderElementsOf(
            COLLECTION.media().stream().map(MediaItem::id).toList());
    assertThat(rows)
        .filteredOn(row -> !row.getString(1).equals("ok"))
        .as("blobs flagged")
        .isEmpty();
    if (fault.countedByTheLog()) {
      assertThat(inspection.retries().sum()).isEqualTo(injected);
    } else {
      assertThat(inspection.retries().sum()).isGreaterThanOrEqualTo(injected);
    }
    server.faults(io.coreviz.emulator.FaultInjector.NONE);
  }
}
