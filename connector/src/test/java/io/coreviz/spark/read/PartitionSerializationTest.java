package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.convert.MediaSchema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.junit.jupiter.api.Test;

/**
 * What an executor in another JVM gets: every partition and the reader factory go through Java
 * serialization, and the deserialized copies alone must read every item exactly once.
 */
class PartitionSerializationTest {

  private static final String KEY = "sk-serialization-0c5e";

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static Batch batch(
      CoreVizEmulator server, MediaCollection collection, String pageSize, String perPartition) {
    return Batches.of(
        Batches.options(
            server, collection, KEY, "pageSize", pageSize, "itemsPerPartition", perPartition));
  }

  @Test
  void deserializedPartitionsReadEveryItemExactlyOnce() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(11, 1_234);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      Batch batch = batch(server, collection, "64", "300");

      InputPartition[] partitions = batch.planInputPartitions();
      PartitionReaderFactory factory = roundTrip(batch.createReaderFactory());
      List<String> ids = new ArrayList<>();
      for (InputPartition partition : partitions) {
        InputPartition copy = roundTrip(partition);
        assertThat(copy).isEqualTo(partition).hasSameHashCodeAs(partition);
        assertThat(copy.toString()).doesNotContain(KEY);
        try (PartitionReader<InternalRow> reader = factory.createReader(copy)) {
          while (reader.next()) {
            ids.add(reader.get().getUTF8String(MediaSchema.SCHEMA.fieldIndex("id")).toString());
          }
        }
      }

      assertThat(partitions).hasSize(5); // 1,234 + folders over 300 per partition
      assertThat(ids).doesNotHaveDuplicates();
      assertThat(new HashSet<>(ids))
          .isEqualTo(collection.items().stream().map(MediaItem::id).collect(Collectors.toSet()));
    }
  }

  @Test
  void readerClosesIdempotentlyAndRefusesUseAfterClose() throws Exception {
    MediaCollection collection = SyntheticCollection.generate(12, 300);
    try (CoreVizEmulator server =
        CoreVizEmulator.builder().collection(collection).credential(KEY).start()) {
      Batch batch = batch(server, collection, "10", "5000");
      InputPartition partition = batch.planInputPartitions()[0];
      PartitionReader<InternalRow> reader = batch.createReaderFactory().createReader(partition);

      assertThat(reader.next()).isTrue();
      reader.close();
      reader.close();

      org.assertj.core.api.Assertions.assertThatThrownBy(reader::next)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
  }
}
