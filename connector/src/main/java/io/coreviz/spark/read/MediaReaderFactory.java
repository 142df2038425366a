package io.coreviz.spark.read;

import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.image.ImageFetcher;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.read.planning.MediaPartition;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import okhttp3.HttpUrl;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;

/** Sent to executors once per task; opens readers on the executor's shared HTTP client. */
final class MediaReaderFactory implements PartitionReaderFactory {

  private static final long serialVersionUID = 2L;

  /** The most one blob download may take, its body included (a blob may be 64 MB or more). */
  private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(5);

  private final ScanSpec spec;

  MediaReaderFactory(ScanSpec spec) {
    this.spec = spec;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition input) {
    if (input instanceof CreationRange.Partition ranged) {
      // A stream's batch: rows carry id and createdAt after the scan's columns.
      int width = spec.readSchema().size();
      return CreationRange.keep(createReader(ranged.partition()), ranged.range(), width, width + 1);
    }
    MediaPartition partition = (MediaPartition) input;
    CoreVizClient client = spec.client().client(new RequestStats());
    if (spec.countOnly()) {
      return new CountPartitionReader(client, partition);
    }
    return new MediaPartitionReader(
        client,
        spec.pageSize(),
        spec.concurrency(),
        partition,
        spec.readSchema(),
        this::check,
        content(client.stats()));
  }

  /** The content columns' reader where the scan reads them, else null. */
  private ContentColumns content(RequestStats stats) {
    List<String> names = Arrays.asList(spec.readSchema().fieldNames());
    if (names.stream().noneMatch(MediaSchema::isContent)) {
      return null;
    }
    int width = names.size();
    List<String> trailing = MediaPartitionReader.trailing(true);
    ContentColumns.Slots slots =
        new ContentColumns.Slots(
            width + trailing.indexOf("id"),
            width + trailing.indexOf("type"),
            width + trailing.indexOf("blob"),
            width + trailing.indexOf("sizeBytes"),
            width + trailing.indexOf("width"),
            width + trailing.indexOf("height"),
            names.indexOf(MediaSchema.CONTENT),
            names.indexOf(MediaSchema.CONTENT_ERROR),
            names.indexOf(MediaSchema.IMAGE),
            names.indexOf(MediaSchema.IMAGE_ERROR));
    ClientSettings client = spec.client();
    ImageFetcher fetcher =
        new ImageFetcher(
            HttpUrl.parse(client.endpoint()),
            client.credentials(),
            client.callPolicy(),
            BLOB_TIMEOUT,
            spec.content().maxBytes());
    return new ContentColumns(fetcher, stats, spec.concurrency(), spec.content().strict(), slots);
  }

  /**
   * A new order check of a top-N for one segment, when its column is read (Spark sorts on it, so it
   * is).
   */
  private MediaPartitionReader.RowCheck check() {
    if (spec.order() == null) {
      return MediaPartitionReader.RowCheck.NONE;
    }
    int slot = Arrays.asList(spec.readSchema().fieldNames()).indexOf(spec.order().column());
    if (slot < 0) {
      return MediaPartitionReader.RowCheck.NONE;
    }
    return new OrderCheck(spec.order(), slot, spec.readSchema().fields()[slot].dataType());
  }

  @Override
  public String toString() {
    return "MediaReaderFactory[" + spec.query() + "]";
  }
}
