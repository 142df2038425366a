package io.coreviz.spark.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.errors.DataException;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaRowReaderTest {

  /** The item of the API page's example response, verbatim, plus fields the page documents. */
  private static final String API_PAGE_ITEM =
      """
      {
        "id": "abc123def456", "name": "hero-shot.jpg", "type": "image",
        "blob": "https://blob.vercel-storage.com/.../hero-shot.jpg",
        "path": "collectionId.folderId.abc123def456", "datasetId": "collectionId",
        "width": 2400, "height": 1600, "duration": null, "sizeBytes": 184320,
        "createdAt": "2026-03-10T14:22:00.000Z", "updatedAt": "2026-03-10T14:22:00.000Z",
        "status": "active",
        "metadata": {"tags": {"color": ["red"], "category": ["product"]},
                     "moderation": {"flagged": false, "labels": []}, "description": "A red shoe"},
        "totalVersions": 1, "frameObjectId": "frameObjId123",
        "folderItemCount": null, "folderPreviews": null,
        "frames": [{"id": "frameId123", "timestamp": "0",
                    "blob": "https://blob.vercel-storage.com/.../processed.jpg",
                    "width": 2400, "height": 1600,
                    "objects": [{"id": "objectId456", "type": "object", "label": "shoe", "blob": ""}]}],
        "_score": 0.42, "_matchingFrames": [], "someFutureField": {"nested": [1, 2]}
      }""";

  private static int col(String name) {
    return MediaSchema.SCHEMA.fieldIndex(name);
  }

  private static InternalRow read(String json) throws IOException {
    try (JsonParser parser = new JsonFactory().createParser(json)) {
      parser.nextToken();
      return new MediaRowReader().read(parser);
    }
  }

  @Test
  void readsEveryFieldOfTheApiPageExample() throws IOException {
    InternalRow row = read(API_PAGE_ITEM);

    assertThat(row.numFields()).isEqualTo(MediaSchema.SCHEMA.size());
    assertThat(row.getUTF8String(col("id")).toString()).isEqualTo("abc123def456");
    assertThat(row.getUTF8String(col("name")).toString()).isEqualTo("hero-shot.jpg");
    assertThat(row.getUTF8String(col("type")).toString()).isEqualTo("image");
    assertThat(row.getUTF8String(col("path")).toString())
        .isEqualTo("collectionId.folderId.abc123def456");
    assertThat(row.getUTF8String(col("datasetId")).toString()).isEqualTo("collectionId");
    assertThat(row.getInt(col("width"))).isEqualTo(2400);
    assertThat(row.getInt(col("height"))).isEqualTo(1600);
    assertThat(row.isNullAt(col("duration"))).isTrue();
    assertThat(row.getLong(col("sizeBytes"))).isEqualTo(184320L);
    long micros = Instant.parse("2026-03-10T14:22:00Z").getEpochSecond() * 1_000_000L;
    assertThat(row.getLong(col("createdAt"))).isEqualTo(micros);
    assertThat(row.getLong(col("updatedAt"))).isEqualTo(micros);
    assertThat(row.getUTF8String(col("status")).toString()).isEqualTo("active");
    assertThat(row.getInt(col("totalVersions"))).isEqualTo(1);
    assertThat(row.getUTF8String(col("frameObjectId")).toString()).isEqualTo("frameObjId123");
    assertThat(row.isNullAt(col("folderItemCount"))).isTrue();
    assertThat(row.isNullAt(col("folderPreviews"))).isTrue();
    assertThat(row.getDouble(col("_score"))).isEqualTo(0.42);

    InternalRow frame = row.getArray(col("frames")).getStruct(0, MediaSchema.FRAME.size());
    assertThat(frame.getUTF8String(0).toString()).isEqualTo("frameId123");
    assertThat(frame.getUTF8String(1).toString()).isEqualTo("0");
    assertThat(frame.getInt(3)).isEqualTo(2400);
    InternalRow object = frame.getArray(5).getStruct(0, MediaSchema.OBJECT.size());
    assertThat(object.getUTF8String(0).toString()).isEqualTo("objectId456");
    assertThat(object.getUTF8String(1).toString()).isEqualTo("object");
    assertThat(object.getUTF8String(2).toString()).isEqualTo("shoe");
    assertThat(object.getUTF8String(3).toString()).isEmpty();
  }

  @Test
  void metadataKeepsTagsAndTheWholeObjectAsJson() throws IOException {
    InternalRow metadata =
        read(API_PAGE_ITEM).getStruct(col("metadata"), MediaSchema.METADATA.size());

    MapData tags = metadata.getMap(0);
    assertThat(tags.numElements()).isEqualTo(2);
    assertThat(tags.keyArray().getUTF8String(0).toString()).isEqualTo("color");
    assertThat(tags.valueArray().getArray(0).getUTF8String(0).toString()).isEqualTo("red");
    assertThat(tags.keyArray().getUTF8String(1).toString()).isEqualTo("category");
    assertThat(metadata.getUTF8String(1).toString()).isEqualTo("A red shoe");
    assertThat(metadata.isNullAt(2)).isTrue();
    Map<?, ?> json = new ObjectMapper().readValue(metadata.getUTF8String(3).toString(), Map.class);
    assertThat(json)
        .isEqualTo(
            Map.of(
                "tags",
                    Map.of(
                        "color",
                        java.util.List.of("red"),
                        "category",
                        java.util.List.of("product")),
                "moderation", Map.of("flagged", false, "labels", java.util.List.of()),
                "description", "A red shoe"));
  }

  @Test
  void prunedColumnsAreSkippedUnparsed() throws IOException {
    StructType nameAndId =
        new StructType(
            new StructField[] {MediaSchema.SCHEMA.apply("name"), MediaSchema.SCHEMA.apply("id")});
    String badFrames = "{\"id\": \"x\", \"frames\": \"not an array\", \"name\": \"n.jpg\"}";

    InternalRow row;
    try (JsonParser parser = new JsonFactory().createParser(badFrames)) {
      parser.nextToken();
      row = new MediaRowReader(nameAndId).read(parser);
    }

    assertThat(row.numFields()).isEqualTo(2);
    assertThat(row.getUTF8String(0).toString()).isEqualTo("n.jpg");
    assertThat(row.getUTF8String(1).toString()).isEqualTo("x");
    assertThatThrownBy(() -> read(badFrames)).isInstanceOf(DataException.class);
  }

  @Test
  void missingAndNullFieldsBecomeNulls() throws IOException {
    InternalRow row =
        read("{\"id\": \"x\", \"metadata\": null, \"frames\": null, \"width\": null}");

    assertThat(row.getUTF8String(col("id")).toString()).isEqualTo("x");
    for (String column :
        new String[] {"name", "width", "createdAt", "metadata", "frames", "_score"}) {
      assertThat(row.isNullAt(col(column))).as(column).isTrue();
    }
  }

  @Test
  void oddButValidValuesAreRead() throws IOException {
    InternalRow row =
        read(
            """
        {"width": 640.0, "createdAt": "2026-03-10T16:22:00.123456+02:00",
         "updatedAt": "2026-03-10T14:22:00",
         "metadata": {"tags": {"color": "red", "size": [10, "L"], "none": null}},
         "frames": [{"timestamp": 2.5, "objects": [null]}]}""");

    assertThat(row.getInt(col("width"))).isEqualTo(640);
    long expected =
        Instant.parse("2026-03-10T14:22:00.123456Z").getEpochSecond() * 1_000_000L + 123_456;
    assertThat(row.getLong(col("createdAt"))).isEqualTo(expected);
    assertThat(row.getLong(col("updatedAt"))).isEqualTo(expected - 123_456);
    MapData tags = row.getStruct(col("metadata"), 4).getMap(0);
    ArrayData values = tags.valueArray();
    assertThat(values.getArray(0).getUTF8String(0).toString()).isEqualTo("red");
    assertThat(values.getArray(1).getUTF8String(0).toString()).isEqualTo("10");
    assertThat(values.isNullAt(2)).isTrue();
    InternalRow frame = row.getArray(col("frames")).getStruct(0, MediaSchema.FRAME.size());
    assertThat(frame.getUTF8String(1).toString()).isEqualTo("2.5");
    assertThat(frame.getArray(5).isNullAt(0)).isTrue();
  }

  @Test
  void numbersSentAsStringsAreReadAsNumbers() throws IOException {
    // node-postgres sends BIGINT, count(*) and NUMERIC as JSON strings by default
    InternalRow row =
        read(
            """
        {"sizeBytes": "184320", "width": "2400", "duration": "12.75", "_score": "0.4500",
         "folderItemCount": "7", "totalVersions": "1.0",
         "frames": [{"width": "640", "height": "480"}]}""");

    assertThat(row.getLong(col("sizeBytes"))).isEqualTo(184_320L);
    assertThat(row.getInt(col("width"))).isEqualTo(2400);
    assertThat(row.getDouble(col("duration"))).isEqualTo(12.75);
    assertThat(row.getDouble(col("_score"))).isEqualTo(0.45);
    assertThat(row.getInt(col("folderItemCount"))).isEqualTo(7);
    assertThat(row.getInt(col("totalVersions"))).isEqualTo(1);
    InternalRow frame = row.getArray(col("frames")).getStruct(0, MediaSchema.FRAME.size());
    assertThat(frame.getInt(3)).isEqualTo(640);
    assertThat(frame.getInt(4)).isEqualTo(480);
  }

  @Test
  void legacyFlatTagsStayInTheJsonOnly() throws IOException {
    InternalRow metadata =
        read("{\"metadata\": {\"tags\": [\"red\", \"blue\"]}}").getStruct(col("metadata"), 4);

    assertThat(metadata.isNullAt(0)).isTrue();
    assertThat(metadata.getUTF8String(3).toString()).isEqualTo("{\"tags\":[\"red\",\"blue\"]}");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"width\": \"640px\"}|'width' is the string '640px', expected an integer",
        "{\"width\": \"6.5\"}|'width' is the string '6.5', expected an integer",
        "{\"sizeBytes\": \"\"}|'sizeBytes' is the string '', expected an integer",
        "{\"duration\": \"NaN\"}|'duration' is the string 'NaN', expected a number",
        "{\"width\": true}|'width' is a boolean, expected an integer",
        "{\"width\": 640.5}|'width' is 640.5, expected an integer",
        "{\"width\": 99999999999}|out of the int range",
        "{\"name\": 5}|'name' is a number, expected a string",
        "{\"createdAt\": \"yesterday\"}|'createdAt' is 'yesterday', expected an ISO 8601 timestamp",
        "{\"frames\": {}}|'frames' is an object, expected an array",
        "{\"frames\": [\"x\"]}|'frames[]' is a string, expected an object",
        "{\"metadata\": []}|'metadata' is an array, expected an object",
        "{\"duration\": true}|'duration' is a boolean, expected a number",
      })
  void wrongTypesNameTheField(String json, String message) {
    assertThatThrownBy(() -> read(json))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(message);
  }
}
