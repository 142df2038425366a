package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job's own downloads (blob checks, CLIP) take the credentials a {@code coreviz} read resolves,
 * whichever way they are given: the {@code apiKey}, {@code apiKeyFile} and {@code bearerToken}
 * options and the {@code spark.coreviz.apiKey} setting (in the session's Spark config, covered by
 * {@code spark.redaction.regex}). The local server accepts only that key; its blob URLs lie on the
 * API's host, so each blob request must carry it. ({@code COREVIZ_API_KEY} is read by the same
 * resolution; a JVM cannot set its own environment to test it here.)
 */
class JobCredentialsTest {

  private static final String KEY = "sk-job-credentials-6e02";
  private static final String MODEL = "../connector/src/test/resources/clip/optimum";

  private static SparkSession spark;
  private static CoreVizEmulator server;
  private static MediaCollection collection;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    // 40 items with videos that have a text and frame images: CLIP fetches those frames itself.
    collection = SyntheticCollection.generate(33, 40);
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("JobCredentialsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.coreviz.apiKey", KEY)
            .config("spark.redaction.regex", "(?i)secret|password|token|access[.]?key|apikey")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  private static Map<String, String> options(String way) throws Exception {
    Map<String, String> options =
        new java.util.HashMap<>(
            Map.of("endpoint", server.baseUrl(), "collectionId", collection.id()));
    switch (way) {
      case "apiKey" -> options.put("apiKey", KEY);
      case "apiKeyFile" -> {
        Path file = dir.resolve("key");
        Files.writeString(file, KEY);
        options.put("apiKeyFile", file.toString());
      }
      case "bearerToken" -> options.put("bearerToken", KEY);
      case "spark.coreviz.apiKey" -> {}
      default -> throw new IllegalArgumentException(way);
    }
    return options;
  }

  private static Set<String> images() {
    return collection.media().stream()
        .filter(item -> item.type().equals(MediaItem.IMAGE))
        .map(MediaItem::id)
        .collect(Collectors.toSet());
  }

  /** The paths of the frame images of the videos with a description or a prompt. */
  private static List<String> describedVideoFrames() {
    List<String> paths =
        collection.media().stream()
            .filter(item -> item.type().equals(MediaItem.VIDEO))
            .filter(item -> item.description() != null || item.prompt() != null)
            .flatMap(item -> item.frames().stream())
            .filter(frame -> frame.blobKey() != null && !frame.blobKey().isEmpty())
            .map(frame -> "/blobs/" + collection.id() + "/" + frame.blobKey())
            .toList();
    assertThat(paths).as("frames of described videos in the fixture").isNotEmpty();
    return paths;
  }

  /** The blob requests since the last clear: every one with credentials, none refused. */
  private static List<RecordedRequest> blobRequests() {
    return server.requests().stream().filter(RecordedRequest::isBlobRequest).toList();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"apiKey", "apiKeyFile", "bearerToken", "spark.coreviz.apiKey"})
  void blobChecksAndClipDownloadWithTheReadsOwnCredentials(String way) throws Exception {
    Map<String, String> options = options(way);
    Dataset<Row> items = spark.read().format("coreviz").options(options).load().cache();
    assertThat(items.count()).isEqualTo(collection.items().size());
    String scheme = way.equals("bearerToken") ? "bearer" : "x-api-key";

    server.clearRequests();
    Dataset<Row> inspected = BlobChecks.inspect(items, options, true).rows().cache();
    List<Row> checked = inspected.collectAsList();
    assertThat(checked).hasSize(collection.media().size());
    assertThat(blobRequests())
        .as("blob checks")
        .hasSize(collection.media().size())
        .allSatisfy(request -> assertThat(request.authScheme()).isEqualTo(scheme));

    server.clearRequests();
    List<Row> embedded =
        ClipCheck.embed(items, inspected, new ClipCheck.Settings(MODEL, 0, 0.95), options)
            .filter("embedding IS NOT NULL AND type = 'image'")
            .select("id")
            .collectAsList();
    assertThat(embedded.stream().map(r -> r.getString(0)).collect(Collectors.toSet()))
        .as("every image embedded")
        .isEqualTo(images());
    // The images come from the blob checks' downloads; CLIP fetches only the frame images of the
    // videos it scores (those with a text), with the same credentials.
    assertThat(blobRequests())
        .as("CLIP downloads")
        .allSatisfy(request -> assertThat(request.authScheme()).isEqualTo(scheme))
        .extracting(RecordedRequest::path)
        .containsExactlyInAnyOrderElementsOf(describedVideoFrames());
    inspected.unpersist();
    items.unpersist();
  }
}
