package io.coreviz.spark.read;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.options.ReadOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** Scans as Spark plans and reads them, without a Spark session: for tests of planning. */
final class Batches {

  private Batches() {}

  /**
   * The options of a read of {@code collection} on {@code server} with {@code key}, and {@code
   * extra} name and value pairs.
   */
  static Map<String, String> options(
      String endpoint, MediaCollection collection, String key, String... extra) {
    Map<String, String> options =
        new HashMap<>(Map.of("collectionId", collection.id(), "apiKey", key, "endpoint", endpoint));
    for (int i = 0; i < extra.length; i += 2) {
      options.put(extra[i], extra[i + 1]);
    }
    return options;
  }

  /** As above, on a local server of the test's own. */
  static Map<String, String> options(
      CoreVizEmulator server, MediaCollection collection, String key, String... extra) {
    return options(server.baseUrl(), collection, key, extra);
  }

  /** The batch of a scan with {@code options}, as Spark would plan it. */
  static Batch of(Map<String, String> options) {
    return new CoreVizTable(ReadOptions.parse(options, name -> null, name -> null))
        .newScanBuilder(CaseInsensitiveStringMap.empty())
        .build()
        .toBatch();
  }

  /** The ids {@code partition} of {@code batch} reads, in the order it reads them. */
  static List<String> ids(Batch batch, InputPartition partition) throws IOException {
    List<String> ids = new ArrayList<>();
    try (PartitionReader<InternalRow> reader =
        batch.createReaderFactory().createReader(partition)) {
      while (reader.next()) {
        ids.add(reader.get().getUTF8String(MediaSchema.SCHEMA.fieldIndex("id")).toString());
      }
    }
    return ids;
  }

  /** The ids all of {@code partitions} read, one partition after another. */
  static List<String> ids(Batch batch, InputPartition[] partitions) throws IOException {
    List<String> ids = new ArrayList<>();
    for (InputPartition partition : partitions) {
      ids.addAll(ids(batch, partition));
    }
    return ids;
  }
}
