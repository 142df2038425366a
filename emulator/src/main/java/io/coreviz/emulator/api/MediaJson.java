package io.coreviz.emulator.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes response bodies in the exact shape of the API page. */
public final class MediaJson {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FOLDER_PREVIEWS = 3;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private MediaJson() {}

  /**
   * The JSON body of one page.
   *
   * @param blobBase the URL prefix blob keys are appended to, e.g. {@code
   *     http://127.0.0.1:8080/blobs/<collectionId>/}
   */
  public static byte[] page(
      MediaCollection collection, MediaQuery query, MediaSearch.Result result, String blobBase) {
    return page(collection, query, result, blobBase, false);
  }

  /**
   * Like {@link #page(MediaCollection, MediaQuery, MediaSearch.Result, String)}; with {@code
   * numbersAsStrings}, BIGINT and NUMERIC values are JSON strings, as node-postgres sends them.
   */
  public static byte[] page(
      MediaCollection collection,
      MediaQuery query,
      MediaSearch.Result result,
      String blobBase,
      boolean numbersAsStrings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try (JsonGenerator raw = JSON.createGenerator(out)) {
      JsonGenerator json = numbersAsStrings ? new NumbersAsStrings(raw) : raw;
      json.writeStartObject();
      json.writeArrayFieldStart("media");
      for (MediaSearch.Hit hit : result.page()) {
        writeItem(json, collection, hit, query.scored(), blobBase);
      }
      json.writeEndArray();
      json.writeObjectFieldStart("pagination");
      json.writeNumberField("total", result.total());
      raw.writeNumberField("limit", query.limit());
      raw.writeNumberField("offset", query.offset());
      json.writeBooleanField("hasMore", result.hasMore());
      json.writeEndObject();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] error(String message) {
    try {
      return JSON.writeValueAsBytes(Map.of("error", message));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ISO 8601 with milliseconds and {@code Z}, as the service writes timestamps. */
  public static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }

  private static void writeItem(
      JsonGenerator json,
      MediaCollection collection,
      MediaSearch.Hit hit,
      boolean scored,
      String blobBase)
      throws IOException {
    MediaItem item = hit.item();
    json.writeStartObject();
    json.writeStringField("id", item.id());
    json.writeStringField("name", item.name());
    json.writeStringField("type", item.type());
    json.writeStringField("blob", item.isFolder() ? "folder" : blobBase + item.blobKey());
    json.writeStringField("path", item.path());
    json.writeStringField("datasetId", collection.id());
    writeInteger(json, "width", item.width());
    writeInteger(json, "height", item.height());
    json.writeFieldName("duration");
    if (item.duration() == null) {
      json.writeNull();
    } else {
      json.writeNumber(item.duration());
    }
    json.writeNumberField("sizeBytes", item.sizeBytes());
    json.writeStringField("createdAt", timestamp(item.createdAt()));
    json.writeStringField("updatedAt", timestamp(item.updatedAt()));
    json.writeStringField("status", item.status());
    json.writeFieldName("metadata");
    JSON.writeValue(plain(json), item.metadata()); // JSONB: parsed by the driver, numbers stay
    json.writeFieldName("totalVersions");
    rawNumber(json, item.totalVersions());
    json.writeStringField("frameObjectId", item.frameObjectId());
    if (item.isFolder()) {
      List<MediaItem> media = collection.mediaUnder(item.path());
      json.writeNumberField("folderItemCount", media.size());
      json.writeFieldName("folderPreviews");
      if (media.isEmpty()) {
        json.writeNull();
      } else {
        json.writeStartArray();
        for (MediaItem preview : media.subList(0, Math.min(FOLDER_PREVIEWS, media.size()))) {
          json.writeString(blobBase + preview.blobKey());
        }
        json.writeEndArray();
      }
    } else {
      json.writeNullField("folderItemCount");
      json.writeNullField("folderPreviews");
    }
    json.writeArrayFieldStart("frames");
    for (Frame frame : item.frames()) {
      writeFrame(json, frame, blobBase);
    }
    json.writeEndArray();
    if (scored) {
      json.writeNumberField("_score", hit.score());
      json.writeArrayFieldStart("_matchingFrames");
      json.writeEndArray();
    }
    json.writeEndObject();
  }

  private static void writeFrame(JsonGenerator json, Frame frame, String blobBase)
      throws IOException {
    json.writeStartObject();
    json.writeStringField("id", frame.id());
    json.writeStringField("timestamp", frame.timestamp());
    json.writeStringField("blob", blobBase + frame.blobKey());
    writeInteger(json, "width", frame.width());
    writeInteger(json, "height", frame.height());
    json.writeArrayFieldStart("objects");
    for (DetectedObject object : frame.objects()) {
      json.writeStartObject();
      json.writeStringField("id", object.id());
      json.writeStringField("type", object.type());
      json.writeStringField("label", object.label());
      json.writeStringField("blob", object.blobKey() == null ? "" : blobBase + object.blobKey());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void writeInteger(JsonGenerator json, String name, Integer value)
      throws IOException {
    json.writeFieldName(name);
    if (value == null) {
      json.writeNull();
    } else {
      rawNumber(json, value);
    }
  }

  /** An INTEGER column: node-postgres sends those as numbers even where it strings BIGINTs. */
  private static void rawNumber(JsonGenerator json, int value) throws IOException {
    plain(json).writeNumber(value);
  }

  private static JsonGenerator plain(JsonGenerator json) {
    return json instanceof NumbersAsStrings strings ? strings.delegate() : json;
  }

  /** Writes {@code long} and {@code double} values as strings of their digits. */
  private static final class NumbersAsStrings extends JsonGeneratorDelegate {
    NumbersAsStrings(JsonGenerator delegate) {
      super(delegate, false);
    }

    @Override
    public void writeNumber(long value) throws IOException {
      writeString(Long.toString(value));
    }

    @Override
    public void writeNumber(int value) throws IOException {
      writeString(Integer.toString(value));
    }

    @Override
    public void writeNumber(double value) throws IOException {
      writeString(Double.toString(value));
    }
  }
}
