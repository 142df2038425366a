package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's training-set export, as it is written there: images' bytes and tags into Delta. */
class TrainingSetExportTest {

  private static final String KEY = "export-key-2b7e";

  private static SparkSession spark;
  private static MediaCollection collection;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(13, 80).measureSizes();
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("TrainingSetExportTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  @Test
  void readmesExportWritesEveryImagesServedBytesToDelta(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    assertThat(readme)
        .contains(".filter(\"type = 'image'\")")
        .contains(".select(\"id\", \"content\", \"metadata.tags\")")
        .contains(".write.format(\"delta\").save(");
    String table = dir.resolve("training_images").toString();
    server.clearRequests();

    spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("apiKey", KEY)
        .option("collectionId", collection.id())
        .load()
        .filter("type = 'image'")
        .select("id", "content", "metadata.tags")
        .write()
        .format("delta")
        .save(table);

    Map<String, byte[]> served = new HashMap<>();
    for (MediaItem item : collection.media()) {
      if (MediaItem.IMAGE.equals(item.type())) {
        served.put(item.id(), collection.blob(item.blobKey()).orElseThrow().bytes().get());
      }
    }
    List<Row> written = spark.read().format("delta").load(table).collectAsList();
    assertThat(written).hasSize(served.size());
    for (Row row : written) {
      assertThat((byte[]) row.getAs("content"))
          .as("content of %s", row.getString(0))
          .isEqualTo(served.get(row.getString(0)));
    }
    // Only the images' blobs were fetched, each once: the filter went to the API as type=image.
    assertThat(server.requests().stream().filter(RecordedRequest::isBlobRequest).toList())
        .hasSize(served.size())
        .allSatisfy(request -> assertThat(request.authScheme()).isEqualTo("x-api-key"));
  }
}
