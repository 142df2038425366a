package io.coreviz.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Expected table rows computed straight from the emulator's stored items (not through HTTP, not
 * through the connector), and the same canonical form of the rows Spark returned. Nested values are
 * compared as JSON trees; Spark's {@code to_json} drops null fields, so the expected side drops
 * them too.
 */
public final class ExpectedRows {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The canonical projection of the table that {@link #actual} reads. */
  public static final String[] PROJECTION = {
    "id",
    "name",
    "type",
    "blob",
    "path",
    "datasetId",
    "width",
    "height",
    "duration",
    "sizeBytes",
    "createdAt",
    "updatedAt",
    "status",
    "totalVersions",
    "frameObjectId",
    "folderItemCount",
    "to_json(folderPreviews) AS folderPreviews",
    "to_json(metadata.tags) AS tags",
    "metadata.description AS description",
    "metadata.prompt AS prompt",
    "metadata.json AS metadataJson",
    "to_json(frames) AS frames"
  };

  private ExpectedRows() {}

  /** Expected rows by id for {@code items} of {@code collection} served by {@code server}. */
  public static Map<String, Map<String, Object>> expected(
      CoreVizEmulator server, MediaCollection collection, List<MediaItem> items) {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    for (MediaItem item : items) {
      rows.put(item.id(), expected(server, collection, item));
    }
    return rows;
  }

  public static Map<String, Object> expected(
      CoreVizEmulator server, MediaCollection collection, MediaItem item) {
    String cid = collection.id();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", item.id());
    row.put("name", item.name());
    row.put("type", item.type());
    row.put("blob", item.isFolder() ? "folder" : server.blobUrl(cid, item.blobKey()));
    row.put("path", item.path());
    row.put("datasetId", cid);
    row.put("width", item.width());
    row.put("height", item.height());
    row.put("duration", item.duration());
    row.put("sizeBytes", item.sizeBytes());
    row.put("createdAt", item.createdAt().truncatedTo(ChronoUnit.MILLIS));
    row.put("updatedAt", item.updatedAt().truncatedTo(ChronoUnit.MILLIS));
    row.put("status", item.status());
    row.put("totalVersions", item.totalVersions());
    row.put("frameObjectId", item.frameObjectId());
    Integer folderItemCount = null;
    JsonNode previews = null;
    if (item.isFolder()) {
      List<MediaItem> under = ModelTable.mediaUnder(collection, item);
      folderItemCount = under.size();
      if (!under.isEmpty()) {
        ArrayNode urls = JSON.createArrayNode();
        under.stream().limit(3).forEach(m -> urls.add(server.blobUrl(cid, m.blobKey())));
        previews = urls;
      }
    }
    row.put("folderItemCount", folderItemCount);
    row.put("folderPreviews", previews);
    boolean hasTags = item.metadata() != null && item.metadata().get("tags") instanceof Map;
    row.put("tags", hasTags ? JSON.valueToTree(item.tags()) : null);
    row.put("description", item.description());
    row.put("prompt", item.prompt());
    row.put("metadataJson", item.metadata() == null ? null : JSON.valueToTree(item.metadata()));
    ArrayNode frames = JSON.createArrayNode();
    for (Frame frame : item.frames()) {
      ObjectNode f = frames.addObject();
      f.put("id", frame.id());
      f.put("timestamp", frame.timestamp());
      f.put("blob", server.blobUrl(cid, frame.blobKey()));
      if (frame.width() != null) {
        f.put("width", frame.width());
      }
      if (frame.height() != null) {
        f.put("height", frame.height());
      }
      ArrayNode objects = f.putArray("objects");
      for (DetectedObject object : frame.objects()) {
        objects
            .addObject()
            .put("id", object.id())
            .put("type", object.type())
            .put("label", object.label())
            .put("blob", object.blobKey() == null ? "" : server.blobUrl(cid, object.blobKey()));
      }
    }
    row.put("frames", frames);
    return row;
  }

  /** Spark's rows of {@code table}, by id, in the canonical form of {@link #expected}. */
  public static Map<String, Map<String, Object>> actual(Dataset<Row> table) {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    for (Row row : table.selectExpr(PROJECTION).collectAsList()) {
      Map<String, Object> values = new LinkedHashMap<>();
      for (String field : row.schema().fieldNames()) {
        Object value = row.getAs(field);
        boolean json = List.of("folderPreviews", "tags", "metadataJson", "frames").contains(field);
        values.put(field, json && value != null ? tree((String) value) : value);
      }
      Object previous = rows.put((String) values.get("id"), values);
      if (previous != null) {
        throw new AssertionError("id " + values.get("id") + " returned twice");
      }
    }
    return rows;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
