package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.RecordedRequest;
import io.coreviz.emulator.data.PlantedDefects;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.convert.MediaSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hidden content columns against the local server's real blobs: bytes equal to the served ones,
 * no blob request unless a query names them, planted defects giving their reasons, the byte limit,
 * strict mode, and the key kept from a blob host that is not the API's.
 */
class ContentColumnsTest {

  private static final String KEY = "content-key-51c3";

  @SharedSpark private static SparkSession spark;

  private static final MediaCollection collection =
      SyntheticCollection.generate(5, 120).measureSizes();
  private static final PlantedDefects planted = PlantedDefects.plant(collection, 3, 2);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(() -> CoreVizEmulator.builder().collection(collection).credential(KEY));

  /** The bytes the server stores for an item's blob; null where it serves none. */
  private static byte[] stored(MediaItem item) {
    return collection.blob(item.blobKey()).map(blob -> blob.bytes().get()).orElse(null);
  }

  private static List<RecordedRequest> blobRequests(CoreVizEmulator at) {
    return at.requests().stream().filter(RecordedRequest::isBlobRequest).toList();
  }

  @Test
  void selectStarAndQueriesThatDoNotNameContentFetchNoBlob() {
    server.get().clearRequests();

    List<Row> all = TestReads.coreviz(spark, server, KEY, collection).load().collectAsList();
    List<Row> ids =
        TestReads.coreviz(spark, server, KEY, collection).load().select("id").collectAsList();

    assertThat(all).hasSize(collection.items().size());
    assertThat(ids).hasSize(collection.items().size());
    assertThat(all.get(0).schema().fieldNames()).doesNotContain("content", "content_error");
    assertThat(blobRequests(server.get())).isEmpty();
  }

  @Test
  void selectedContentIsTheServedBytesOrNullWithItsReason() {
    server.get().clearRequests();

    Map<String, Row> rows = new HashMap<>();
    TestReads.coreviz(spark, server, KEY, collection)
        .load()
        .select("id", "type", "content", "content_error")
        .collectAsList()
        .forEach(row -> rows.put(row.getString(0), row));

    assertContent(rows);
    // One request per image and video, none for folders; counted with the pages in the scan's
    // metrics (planning's one- and two-item probes are counted apart).
    assertThat(blobRequests(server.get()))
        .extracting(RecordedRequest::path)
        .doesNotHaveDuplicates()
        .hasSize(collection.media().size());
    long pages =
        server.get().mediaRequests().stream()
            .filter(r -> Integer.parseInt(r.query().get("limit")) > 2)
            .count();
    assertThat(TestReads.lastScanMetrics(spark))
        .containsEntry("CoreViz requests", String.valueOf(pages + collection.media().size()));
  }

  /**
   * Spark 4 appends the hidden columns to a stream's output when a query names one but never tells
   * the stream's scan, so a stream cannot fetch them: the query fails saying so, with no blob
   * fetched, instead of reading other columns' values in their place. Spark 3.5's streams expose no
   * hidden columns: the name does not resolve.
   */
  @Test
  void aStreamThatNamesAHiddenColumnFailsSayingWhy(@TempDir Path dir) throws Exception {
    for (String column : MediaSchema.CONTENT_COLUMNS.fieldNames()) {
      server.get().clearRequests();
      Dataset<Row> stream = StreamFixtures.stream(spark, server.get(), KEY, collection).load();
      if (spark.version().startsWith("3.")) {
        assertThatThrownBy(() -> stream.select("id", column))
            .as("a Spark 3.5 stream of %s", column)
            .isInstanceOf(AnalysisException.class)
            .hasMessageContaining(column);
        continue;
      }
      StreamingQuery query =
          stream
              .select("id", column)
              .writeStream()
              .option("checkpointLocation", dir.resolve(column).toString())
              .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.collect())
              .trigger(Trigger.AvailableNow())
              .start();

      assertThatThrownBy(query::awaitTermination)
          .as("a stream of %s", column)
          .hasMessageContaining("cannot be read from a CoreViz stream")
          .hasMessageContaining("spark.read.format(\"coreviz\")");
      assertThat(blobRequests(server.get())).as("blobs fetched for %s", column).isEmpty();
    }
  }

  /**
   * Each item's row ({@code id, type, content, content_error}) holds its stored bytes, or null and
   * the reason its planted defect gives.
   */
  private static void assertContent(Map<String, Row> rows) {
    assertThat(rows).hasSize(collection.items().size());
    Set<String> unavailable = planted.broken().get("blob_unavailable");
    Set<String> misSized = planted.broken().get("size_mismatch");
    int compared = 0;
    for (MediaItem item : collection.items()) {
      Row row = rows.get(item.id());
      byte[] content = (byte[]) row.get(2);
      String error = row.getString(3);
      if (item.isFolder()) {
        assertThat(content).as("folder %s", item.id()).isNull();
        assertThat(error).as("folder %s", item.id()).isNull();
      } else if (unavailable.contains(item.id())) {
        assertThat(content).as("content of %s", item.id()).isNull();
        assertThat(error).as("reason of %s", item.id()).startsWith("unavailable: ");
      } else if (misSized.contains(item.id())) {
        assertThat(content).as("content of %s", item.id()).isNull();
        assertThat(error)
            .as("reason of %s", item.id())
            .startsWith("size_mismatch: sizeBytes is ")
            .endsWith(", the blob " + stored(item).length + " bytes");
      } else {
        assertThat(error).as("reason of %s", item.id()).isNull();
        assertThat(content).as("content of %s", item.id()).isEqualTo(stored(item));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(collection.media().size() / 2);
  }

  @Test
  void aBlobOverMaxContentBytesIsNullAndTooLarge() {
    long[] sizes =
        collection.media().stream()
            .map(ContentColumnsTest::stored)
            .filter(bytes -> bytes != null)
            .mapToLong(bytes -> bytes.length)
            .sorted()
            .toArray();
    long limit = sizes[sizes.length / 2];

    List<Row> rows =
        TestReads.coreviz(spark, server, KEY, collection)
            .option("maxContentBytes", String.valueOf(limit))
            .load()
            .filter("type <> 'folder'")
            .select("id", "content", "content_error")
            .collectAsList();

    Map<String, MediaItem> items = new HashMap<>();
    collection.media().forEach(item -> items.put(item.id(), item));
    int tooLarge = 0;
    for (Row row : rows) {
      byte[] bytes = stored(items.get(row.getString(0)));
      if (bytes != null && bytes.length > limit) {
        assertThat(row.get(1)).as("content of %s", row.getString(0)).isNull();
        assertThat(row.getString(2)).as("reason of %s", row.getString(0)).startsWith("too_large: ");
        tooLarge++;
      }
    }
    assertThat(tooLarge).isPositive();
  }

  @Test
  void strictContentFailsTheQueryNamingTheItem() {
    String broken = planted.broken().get("blob_unavailable").iterator().next();

    assertThatThrownBy(
            () ->
                TestReads.coreviz(spark, server, KEY, collection)
                    .option("strictContent", "true")
                    .load()
                    .filter("id = '" + broken + "'")
                    .select("id", "content")
                    .collectAsList())
        .hasStackTraceContaining("content of item " + broken + ": unavailable: ")
        .hasStackTraceContaining("strictContent=true");
  }

  @Test
  void theKeyGoesOnlyToTheApisHostNotToTheBlobHost() {
    try (CoreVizEmulator blobs = CoreVizEmulator.builder().collection(collection).start();
        CoreVizEmulator api =
            CoreVizEmulator.builder()
                .collection(collection)
                .credential(KEY)
                .blobsAt(blobs.baseUrl())
                .start()) {
      MediaItem image =
          collection.media().stream()
              .filter(item -> MediaItem.IMAGE.equals(item.type()))
              .filter(item -> stored(item) != null)
              .filter(item -> !planted.broken().get("size_mismatch").contains(item.id()))
              .findFirst()
              .orElseThrow();

      Row row =
          TestReads.coreviz(spark, api, KEY, collection)
              .load()
              .filter("id = '" + image.id() + "'")
              .select("content", "content_error")
              .first();

      assertThat(row.getString(1)).isNull();
      assertThat((byte[]) row.get(0)).isEqualTo(stored(image));
      assertThat(blobRequests(api)).isEmpty();
      assertThat(blobRequests(blobs))
          .hasSize(1)
          .allSatisfy(request -> assertThat(request.authScheme()).isNull());
      assertThat(api.mediaRequests())
          .isNotEmpty()
          .allSatisfy(request -> assertThat(request.authScheme()).isEqualTo("x-api-key"));
    }
  }

  @Test
  void imageIsWhatSparksImageSourceReadsFromTheSameBytes(@TempDir Path dir) throws Exception {
    Set<String> unavailable = planted.broken().get("blob_unavailable");
    Set<String> otherSize = planted.broken().get("dimensions_mismatch");
    Set<String> misSized = planted.broken().get("size_mismatch");
    Map<String, MediaItem> images = new HashMap<>();
    for (MediaItem item : collection.media()) {
      if (MediaItem.IMAGE.equals(item.type()) && stored(item) != null) {
        images.put(item.id(), item);
        String name = item.blobKey().substring(item.blobKey().lastIndexOf('/') + 1);
        Files.write(dir.resolve(item.id() + name.substring(name.lastIndexOf('.'))), stored(item));
      }
    }
    // The reference: Spark's own image source over the same bytes, written to files.
    Map<String, Row> reference = new HashMap<>();
    for (Row row : spark.read().format("image").load(dir.toString()).collectAsList()) {
      Row image = row.getStruct(0);
      String file = Path.of(java.net.URI.create(image.getString(0))).getFileName().toString();
      reference.put(file.substring(0, file.indexOf('.')), image);
    }
    assertThat(reference.keySet()).isEqualTo(images.keySet());

    int decoded = 0;
    for (Row row :
        TestReads.coreviz(spark, server, KEY, collection)
            .load()
            .select("id", "type", "image", "image_error")
            .collectAsList()) {
      String id = row.getString(0);
      Row image = row.isNullAt(2) ? null : row.getStruct(2);
      String error = row.getString(3);
      Row expected = reference.get(id);
      if (!MediaItem.IMAGE.equals(row.getString(1))) {
        assertThat(image).as("image of the %s %s", row.getString(1), id).isNull();
        assertThat(error).as("reason of %s", id).isNull();
      } else if (unavailable.contains(id)) {
        assertThat(image).as("image of %s", id).isNull();
        assertThat(error).as("reason of %s", id).startsWith("unavailable: ");
      } else if (misSized.contains(id)) {
        assertThat(error).as("reason of %s", id).startsWith("size_mismatch: ");
      } else if (otherSize.contains(id)) {
        assertThat(image).as("image of %s", id).isNull();
        assertThat(error).as("reason of %s", id).startsWith("dimensions_mismatch: ");
      } else if (expected.getInt(1) < 0) { // Spark's source could not decode it either
        assertThat(image).as("image of %s", id).isNull();
        assertThat(error).as("reason of %s", id).startsWith("undecodable: ");
      } else {
        assertThat(error).as("reason of %s", id).isNull();
        assertThat(image).as("image of %s", id).isNotNull();
        assertThat(image.getString(0)).as("origin of %s", id).endsWith(images.get(id).blobKey());
        for (int field = 1; field <= 4; field++) {
          assertThat(image.getInt(field))
              .as("%s of %s", image.schema().fieldNames()[field], id)
              .isEqualTo(expected.getInt(field));
        }
        assertThat((byte[]) image.get(5)).as("pixels of %s", id).isEqualTo(expected.get(5));
        decoded++;
      }
    }
    assertThat(decoded).isGreaterThan(images.size() / 2);
  }

  /**
   * Blobs of one size {@code s}: with {@code maxContentBytes = s} a task fetches one blob at a time
   * ahead of Spark, with {@code 3 s} up to three (the listed sizes bound the window), and with the
   * default up to {@code maxConcurrentRequests}: the most blob requests the server held at once.
   */
  @Test
  void aTaskFetchesAheadAtMostMaxContentBytesOfListedSizes() throws Exception {
    MediaCollection same = SyntheticCollection.generate(17, 200);
    byte[] picture = io.coreviz.emulator.data.ImageRenderer.render(1, 320, 240, "png");
    for (MediaItem item : List.copyOf(same.media())) {
      same.remove(item.id());
      same.add(
          item.withSizeBytes(picture.length),
          Map.of(item.blobKey(), new io.coreviz.emulator.model.Blob("image/png", () -> picture)));
    }
    java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    try (CoreVizEmulator slow =
        CoreVizEmulator.builder().collection(same).credential(KEY).start()) {
      slow.faults(
          request -> {
            if (request.isBlobRequest()) {
              most.accumulateAndGet(now.incrementAndGet(), Math::max);
              Thread.sleep(20);
              now.decrementAndGet();
            }
            return null;
          });
      Map<String, Integer> held = new java.util.LinkedHashMap<>();
      for (String limit :
          List.of(String.valueOf(picture.length), String.valueOf(3 * picture.length), "")) {
        most.set(0);
        org.apache.spark.sql.DataFrameReader reader =
            TestReads.coreviz(spark, slow, KEY, same).option("numPartitions", "2");
        if (!limit.isEmpty()) {
          reader = reader.option("maxContentBytes", limit);
        }
        long read = reader.load().filter("content IS NOT NULL").count();
        assertThat(read).as("blobs read at limit %s", limit).isEqualTo(same.media().size());
        held.put(limit.isEmpty() ? "default" : limit, most.get());
      }
      // Two tasks at once (local[2]); each holds at most its window.
      assertThat(held.get(String.valueOf(picture.length))).as("%s", held).isBetween(1, 2);
      assertThat(held.get(String.valueOf(3 * picture.length))).as("%s", held).isBetween(3, 6);
      assertThat(held.get("default")).as("%s", held).isBetween(7, 16);
    }
  }

  /**
   * Blob bodies cut halfway and connections dropped are retried: every byte still arrives, and the
   * scan's retries are the faults injected (a server of its own: no other test's downloads).
   */
  @Test
  void brokenBlobDownloadsAreRetriedAndCounted() {
    java.util.concurrent.atomic.AtomicInteger blobs =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger broken =
        new java.util.concurrent.atomic.AtomicInteger();
    try (CoreVizEmulator faulty =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      faulty.faults(
          request -> {
            // Into requests for blobs the server has: a 404's cut error body needs no retry.
            String prefix = "/blobs/" + collection.id() + "/";
            if (!request.isBlobRequest()
                || collection.blob(request.path().substring(prefix.length())).isEmpty()) {
              return null;
            }
            int n = blobs.incrementAndGet();
            if (n % 4 != 0) {
              return null;
            }
            broken.incrementAndGet();
            return n % 8 == 0
                ? io.coreviz.emulator.FaultInjector.Reply.disconnect()
                : io.coreviz.emulator.FaultInjector.Reply.cutHalfway();
          });
      Map<String, Row> rows = new HashMap<>();
      TestReads.coreviz(spark, faulty, KEY, collection)
          .option("retryBackoffMs", "1")
          .load()
          .filter("type <> 'folder'")
          .select("id", "content", "content_error")
          .collectAsList()
          .forEach(row -> rows.put(row.getString(0), row));

      Set<String> unavailable = planted.broken().get("blob_unavailable");
      Set<String> misSized = planted.broken().get("size_mismatch");
      for (MediaItem item : collection.media()) {
        if (!unavailable.contains(item.id()) && !misSized.contains(item.id())) {
          assertThat((byte[]) rows.get(item.id()).get(1))
              .as("content of %s", item.id())
              .isEqualTo(stored(item));
        }
      }
      assertThat(broken.get()).isPositive();
      assertThat(Long.parseLong(TestReads.lastScanMetrics(spark).get("CoreViz retries")))
          .isEqualTo(broken.get());
    }
  }

  @Test
  void theHiddenColumnsSayWhatTheyHoldAndWhenTheyAreFetched() {
    assertThat(
            Arrays.stream(
                    TestReads.coreviz(spark, server, KEY, collection)
                        .load()
                        .select("content", "content_error", "image", "image_error")
                        .schema()
                        .fields())
                .map(field -> field.name() + ": " + field.dataType().simpleString()))
        .containsExactly(
            "content: binary",
            "content_error: string",
            "image: struct<origin:string,height:int,width:int,nChannels:int,mode:int,data:binary>",
            "image_error: string");
  }
}
