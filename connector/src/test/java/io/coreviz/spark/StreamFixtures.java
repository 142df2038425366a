package io.coreviz.spark;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.data.TestSeeds;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;

/** What the streaming tests share: a stream of a local server's collection, and new items. */
final class StreamFixtures {

  private StreamFixtures() {}

  /** A stream of {@code collection}, pages of 20, partitions of about 60 items. */
  static DataStreamReader stream(
      SparkSession spark, CoreVizEmulator server, String key, MediaCollection collection) {
    return spark
        .readStream()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option("apiKey", key)
        .option("collectionId", collection.id())
        .option("pageSize", "20")
        .option("itemsPerPartition", "60");
  }

  static List<String> ids(List<MediaItem> items) {
    return items.stream().map(MediaItem::id).toList();
  }

  /**
   * {@code count} new items, with ids no stored item has, created {@code apartMillis} apart after
   * {@code after}, in the folders of stored items.
   */
  static List<MediaItem> created(
      MediaCollection collection, long seed, int count, Instant after, long apartMillis) {
    List<MediaItem> media = new ArrayList<>();
    List<MediaItem> templates =
        SyntheticCollection.generate(TestSeeds.seed(seed), count, 0).media();
    for (int i = 0; i < templates.size(); i++) {
      MediaItem anchor = collection.media().get(i * 7 % collection.media().size());
      media.add(
          templates
              .get(i)
              .withPath(anchor.parentPath() + "." + templates.get(i).id())
              .withCreatedAt(after.plusMillis(apartMillis * (1 + i))));
    }
    return media;
  }

  static Instant newest(MediaCollection collection) {
    return collection.items().stream()
        .map(MediaItem::createdAt)
        .max(Comparator.naturalOrder())
        .orElseThrow();
  }
}
