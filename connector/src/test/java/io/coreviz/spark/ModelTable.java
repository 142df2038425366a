package io.coreviz.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import io.coreviz.spark.convert.MediaSchema;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The table a collection should read as, built straight from the emulator's stored items: the
 * independent side of differential tests (no HTTP, no connector code).
 */
public final class ModelTable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelTable() {}

  public static Dataset<Row> of(
      SparkSession spark, CoreVizEmulator server, MediaCollection collection) {
    List<Row> rows = new ArrayList<>();
    for (MediaItem item : collection.items()) {
      rows.add(row(server, collection, item));
    }
    return spark.createDataFrame(rows, MediaSchema.SCHEMA);
  }

  /** Images and videos under {@code folder}, oldest first: what its count and previews show. */
  public static List<MediaItem> mediaUnder(MediaCollection collection, MediaItem folder) {
    List<MediaItem> under = new ArrayList<>();
    for (MediaItem other : collection.items()) {
      if (!other.isFolder() && other.path().startsWith(folder.path() + ".")) {
        under.add(other);
      }
    }
    under.sort(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id));
    return under;
  }

  private static Row row(CoreVizEmulator server, MediaCollection collection, MediaItem item) {
    String cid = collection.id();
    Integer folderItemCount = null;
    List<String> previews = null;
    if (item.isFolder()) {
      List<MediaItem> under = mediaUnder(collection, item);
      folderItemCount = under.size();
      if (!under.isEmpty()) {
        previews = under.stream().limit(3).map(m -> server.blobUrl(cid, m.blobKey())).toList();
      }
    }
    Row metadata = null;
    if (item.metadata() != null) {
      boolean hasTags = item.metadata().get("tags") instanceof Map;
      metadata =
          RowFactory.create(
              hasTags ? item.tags() : null,
              item.description(),
              item.prompt(),
              json(item.metadata()));
    }
    List<Row> frames = new ArrayList<>();
    for (Frame frame : item.frames()) {
      List<Row> objects = new ArrayList<>();
      for (DetectedObject object : frame.objects()) {
        String blob = object.blobKey() == null ? "" : server.blobUrl(cid, object.blobKey());
        objects.add(RowFactory.create(object.id(), object.type(), object.label(), blob));
      }
      frames.add(
          RowFactory.create(
              frame.id(),
              frame.timestamp(),
              server.blobUrl(cid, frame.blobKey()),
              frame.width(),
              frame.height(),
              objects));
    }
    return RowFactory.create(
        item.id(),
        item.name(),
        item.type(),
        item.isFolder() ? "folder" : server.blobUrl(cid, item.blobKey()),
        item.path(),
        cid,
        item.width(),
        item.height(),
        item.duration(),
        item.sizeBytes(),
        item.createdAt().truncatedTo(ChronoUnit.MILLIS),
        item.updatedAt().truncatedTo(ChronoUnit.MILLIS),
        item.status(),
        metadata,
        item.totalVersions(),
        item.frameObjectId(),
        folderItemCount,
        previews,
        frames,
        null);
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
