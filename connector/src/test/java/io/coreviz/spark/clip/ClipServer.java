package io.coreviz.spark.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.clip.model.ClipModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A collection on the local CoreViz server made of the golden images: one image item per golden
 * image (described by a golden text), a video whose two frames are golden images, an item whose
 * bytes are not an image and one whose blob is missing (404).
 */
final class ClipServer {

  static final String KEY = "clip-test-key";
  static final String COLLECTION = "c11bc11bc11bc11bc11bc11bc11bc11b";
  static final List<String> TEXTS =
      List.of("a photo of a cat", "red shoes, blue sky", "naïve café déjà vu");
  static final List<String> FRAMES = List.of("landscape.png", "exact.png");

  private ClipServer() {}

  static CoreVizEmulator.Builder builder() {
    return CoreVizEmulator.builder().collection(collection()).credential(KEY, COLLECTION);
  }

  static MediaCollection collection() {
    JsonNode golden = ClipFixtures.golden(ClipFixtures.OPTIMUM);
    List<MediaItem> items = new ArrayList<>();
    Map<String, Blob> blobs = new HashMap<>();
    Instant created = Instant.parse("2026-01-01T00:00:00Z");
    int n = 0;
    for (JsonNode image : golden.get("images")) {
      String name = image.get("name").asText();
      String id = "img" + n;
      blobs.put(id, new Blob(contentType(name), () -> ClipFixtures.image(name)));
      items.add(
          item(
              id,
              name,
              MediaItem.IMAGE,
              id,
              created.plusSeconds(n),
              TEXTS.get(n % TEXTS.size()),
              List.of()));
      n++;
    }
    List<Frame> frames = new ArrayList<>();
    for (int f = 0; f < FRAMES.size(); f++) {
      String name = FRAMES.get(f);
      blobs.put("frame" + f, new Blob("image/png", () -> ClipFixtures.image(name)));
      frames.add(new Frame("f" + f, f + ".0", "frame" + f, 224, 224, List.of()));
    }
    blobs.put("video", new Blob("video/mp4", () -> new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p'}));
    items.add(
        item(
            "vid",
            "clip.mp4",
            MediaItem.VIDEO,
            "video",
            created.plusSeconds(100),
            TEXTS.get(0),
            frames));
    blobs.put("broken", new Blob("image/png", () -> ClipFixtures.image("not-an-image.png")));
    items.add(
        item(
            "broken",
            "broken.png",
            MediaItem.IMAGE,
            "broken",
            created.plusSeconds(101),
            TEXTS.get(0),
            List.of()));
    items.add(
        item(
            "gone",
            "gone.png",
            MediaItem.IMAGE,
            "missing-blob",
            created.plusSeconds(102),
            TEXTS.get(0),
            List.of()));
    return new MediaCollection(COLLECTION, items, blobs);
  }

  /**
   * The golden image embedding of an item by name ({@code null} for the broken and missing ones);
   * the video's is the normalised mean of its frames'.
   */
  static float[] expectedEmbedding(JsonNode golden, String name) {
    if (name.equals("clip.mp4")) {
      float[] a = goldenImage(golden, FRAMES.get(0));
      float[] b = goldenImage(golden, FRAMES.get(1));
      float[][] mean = new float[1][a.length];
      for (int d = 0; d < a.length; d++) {
        mean[0][d] = a[d] + b[d];
      }
      return ClipModel.normalise(mean)[0];
    }
    return goldenImage(golden, name);
  }

  private static float[] goldenImage(JsonNode golden, String name) {
    for (JsonNode image : golden.get("images")) {
      if (image.get("name").asText().equals(name)) {
        return ClipFixtures.floats(image.get("embedding"));
      }
    }
    return null;
  }

  /** The golden text embedding of {@code text}. */
  static float[] expectedText(JsonNode golden, String text) {
    for (JsonNode entry : golden.get("texts")) {
      if (entry.get("text").asText().equals(text)) {
        return ClipFixtures.floats(entry.get("embedding"));
      }
    }
    throw new IllegalArgumentException("no golden embedding for " + text);
  }

  /** The local server's collection, read with the coreviz source. */
  static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> read(
      org.apache.spark.sql.SparkSession spark, CoreVizEmulator server) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("apiKey", KEY)
        .option("collectionId", COLLECTION)
        .load();
  }

  private static MediaItem item(
      String id,
      String name,
      String type,
      String blobKey,
      Instant created,
      String description,
      List<Frame> frames) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("description", description);
    return new MediaItem(
        id,
        name,
        type,
        blobKey,
        COLLECTION + "." + id,
        created,
        created,
        null,
        null,
        null,
        1000,
        "active",
        metadata,
        1,
        null,
        frames);
  }

  private static String contentType(String name) {
    return name.endsWith(".png")
        ? "image/png"
        : name.endsWith(".jpg") ? "image/jpeg" : "image/webp";
  }
}
