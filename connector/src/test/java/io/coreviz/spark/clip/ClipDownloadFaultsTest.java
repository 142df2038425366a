package io.coreviz.spark.clip;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.NetworkFault;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.SharedSpark;
import java.util.List;
import java.util.function.Predicate;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each {@link NetworkFault} injected into one image's download while ClipScorer scores a
 * collection: every image is still scored (the download is retried as the connector's requests
 * are), and {@link ClipScorer#downloadRetries()} equals the faults the server's log shows.
 */
class ClipDownloadFaultsTest {

  @RegisterExtension static final LocalServer server = LocalServer.of(ClipServer::builder);
  @SharedSpark private static SparkSession spark;

  /** The first golden image's blob. */
  private static final Predicate<RecordedRequest> FIRST_IMAGE =
      request -> request.isBlobRequest() && request.path().endsWith("/img0");

  @ParameterizedTest
  @EnumSource(NetworkFault.class)
  void everyImageIsScoredWhateverFaultItsDownloadMeets(NetworkFault fault) {
    server.faults(fault.once(FIRST_IMAGE));
    ClipScorer scorer =
        new ClipScorer()
            .setModelPath(ClipFixtures.TRANSFORMERS_JS.toString())
            .setTextCol("text")
            .setBatchSize(3)
            .setDownloadThreads(4)
            .setDownloadTimeoutMs(1_000)
            .setThreads(1);

    List<Row> unscored =
        scorer
            .transform(
                ClipServer.read(spark, server.get())
                    .withColumn("text", functions.col("metadata.description")))
            .filter("clip_error IS NOT NULL")
            .collectAsList();

    long injected =
        server.requests().stream().filter(FIRST_IMAGE).filter(fault::injectedInto).count();
    assertThat(injected).isEqualTo(1);
    assertThat(unscored)
        .as("only the image that is not one and the one whose blob is gone")
        .extracting(row -> row.<String>getAs("name"))
        .containsExactlyInAnyOrder("broken.png", "gone.png");
    if (fault.countedByTheLog()) {
      assertThat(scorer.downloadRetries()).isEqualTo(injected);
    } else {
      assertThat(scorer.downloadRetries()).isGreaterThanOrEqualTo(injected);
    }
  }
}
