package io.coreviz.spark.convert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.Numbers;
import io.coreviz.spark.errors.DataException;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Reads one API item straight from the token stream into an {@link InternalRow} of {@link
 * MediaSchema#SCHEMA}. Missing and null fields become nulls, unknown fields are skipped, and a
 * field of the wrong JSON type is a {@link DataException} naming the field. The metadata object is
 * copied token by token into {@code metadata.json} while tags, description and prompt are picked
 * out, so nothing the API sends is lost.
 */
public final class MediaRowReader implements ItemReader<InternalRow> {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<String, Integer> COLUMNS = new HashMap<>();
  private static final Kind[] KINDS = new Kind[MediaSchema.SCHEMA.size()];

  /** How a top-level column is read, from its type in the schema. */
  private enum Kind {
    STRING,
    INT,
    LONG,
    DOUBLE,
    TIMESTAMP,
    STRINGS,
    METADATA,
    FRAMES
  }

  static {
    StructField[] fields = MediaSchema.SCHEMA.fields();
    for (int i = 0; i < fields.length; i++) {
      COLUMNS.put(fields[i].name(), i);
      KINDS[i] = kind(fields[i].dataType());
    }
  }

  private static Kind kind(DataType type) {
    if (type.equals(MediaSchema.METADATA)) {
      return Kind.METADATA;
    }
    if (type instanceof ArrayType array) {
      return array.elementType().equals(DataTypes.StringType) ? Kind.STRINGS : Kind.FRAMES;
    }
    Map<DataType, Kind> scalars =
        Map.of(
            DataTypes.StringType, Kind.STRING,
            DataTypes.IntegerType, Kind.INT,
            DataTypes.LongType, Kind.LONG,
            DataTypes.DoubleType, Kind.DOUBLE,
            DataTypes.TimestampType, Kind.TIMESTAMP);
    return scalars.get(type);
  }

  private final int[] slots;
  private final int[] extraSlots;
  private final int width;

  /** Reads every column of {@link MediaSchema#SCHEMA}. */
  public MediaRowReader() {
    this(MediaSchema.SCHEMA);
  }

  /**
   * Reads the columns of {@code readSchema}, a subset of {@link MediaSchema#SCHEMA}'s top-level
   * fields, in its order; the fields of other columns are skipped without being parsed. Columns of
   * {@link MediaSchema#CONTENT_COLUMNS} keep their place, null, for the reader to fill.
   */
  public MediaRowReader(StructType readSchema) {
    this(readSchema, List.of());
  }

  /**
   * Like {@link #MediaRowReader(StructType)}, with the {@code trailing} columns appended after
   * {@code readSchema}'s, for the reader's own use (e.g. {@code id} and the sort key), whether or
   * not the query reads them.
   */
  public MediaRowReader(StructType readSchema, List<String> trailing) {
    this.slots = new int[MediaSchema.SCHEMA.size()];
    this.extraSlots = new int[MediaSchema.SCHEMA.size()];
    Arrays.fill(slots, -1);
    Arrays.fill(extraSlots, -1);
    String[] names = readSchema.fieldNames();
    for (int slot = 0; slot < names.length; slot++) {
      if (!MediaSchema.isContent(names[slot])) { // not in the page: filled after it is read
        slots[column(names[slot])] = slot;
      }
    }
    for (int i = 0; i < trailing.size(); i++) {
      extraSlots[column(trailing.get(i))] = names.length + i;
    }
    this.width = names.length + trailing.size();
  }

  private static int column(String name) {
    Integer column = COLUMNS.get(name);
    if (column == null) {
      throw new IllegalArgumentException("not a column of the CoreViz schema: " + name);
    }
    return column;
  }

  @Override
  public InternalRow read(JsonParser p) throws IOException {
    Object[] row = new Object[width];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken t = p.nextToken();
      Integer column = COLUMNS.get(field);
      int slot = column == null ? -1 : slots[column];
      int extra = column == null ? -1 : extraSlots[column];
      if (slot < 0 && extra < 0) {
        p.skipChildren();
        continue;
      }
      Object value =
          switch (KINDS[column]) {
            case STRING -> string(p, t, field);
            case INT -> integer(p, t, field);
            case LONG -> longInteger(p, t, field);
            case DOUBLE -> decimal(p, t, field);
            case TIMESTAMP -> timestamp(p, t, field);
            case STRINGS -> strings(p, t, field);
            case METADATA -> metadata(p, t);
            case FRAMES -> frames(p, t);
          };
      if (slot >= 0) {
        row[slot] = value;
      }
      if (extra >= 0) {
        row[extra] = value;
      }
    }
    return new GenericInternalRow(row);
  }

  private static GenericArrayData frames(JsonParser p, JsonToken t) throws IOException {
    if (!startArray(t, "frames")) {
      return null;
    }
    List<Object> frames = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      frames.add(frame(p, p.currentToken()));
    }
    return new GenericArrayData(frames.toArray());
  }

  private static InternalRow frame(JsonParser p, JsonToken t) throws IOException {
    if (!startObject(t, "frames[]")) {
      return null;
    }
    Object[] frame = new Object[MediaSchema.FRAME.size()];
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> frame[0] = string(p, value, "frames[].id");
        case "timestamp" -> frame[1] = scalarText(p, value, "frames[].timestamp");
        case "blob" -> frame[2] = string(p, value, "frames[].blob");
        case "width" -> frame[3] = integer(p, value, "frames[].width");
        case "height" -> frame[4] = integer(p, value, "frames[].height");
        case "objects" -> frame[5] = objects(p, value);
        default -> p.skipChildren();
      }
    }
    return new GenericInternalRow(frame);
  }

  private static GenericArrayData objects(JsonParser p, JsonToken t) throws IOException {
    if (!startArray(t, "frames[].objects")) {
      return null;
    }
    List<Object> objects = new ArrayList<>();
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      if (!startObject(token, "frames[].objects[]")) {
        objects.add(null);
        continue;
      }
      Object[] object = new Object[MediaSchema.OBJECT.size()];
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "id" -> object[0] = string(p, value, "objects[].id");
          case "type" -> object[1] = string(p, value, "objects[].type");
          case "label" -> object[2] = string(p, value, "objects[].label");
          case "blob" -> object[3] = string(p, value, "objects[].blob");
          default -> p.skipChildren();
        }
      }
      objects.add(new GenericInternalRow(object));
    }
    return new GenericArrayData(objects.toArray());
  }

  /** Copies the metadata object into JSON text while picking out tags, description and prompt. */
  private static InternalRow metadata(JsonParser p, JsonToken t) throws IOException {
    if (!startObject(t, "metadata")) {
      return null;
    }
    Object[] metadata = new Object[MediaSchema.METADATA.size()];
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartObject();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        json.writeFieldName(field);
        switch (field) {
          case "tags" -> metadata[0] = tags(p, value, json);
          case "description" -> metadata[1] = textCopy(p, value, json);
          case "prompt" -> metadata[2] = textCopy(p, value, json);
          default -> json.copyCurrentStructure(p);
        }
      }
      json.writeEndObject();
    }
    metadata[3] = UTF8String.fromString(text.toString());
    return new GenericInternalRow(metadata);
  }

  /** A string field of metadata; any other JSON value is kept in the JSON text only. */
  private static UTF8String textCopy(JsonParser p, JsonToken t, JsonGenerator json)
      throws IOException {
    UTF8String value = t == JsonToken.VALUE_STRING ? UTF8String.fromString(p.getText()) : null;
    json.copyCurrentStructure(p);
    return value;
  }

  /**
   * {@code tags} as a map of group to values. A group holding a single scalar becomes a one-element
   * array. Tags that are not an object (a legacy flat list) give a null map; they stay in {@code
   * metadata.json}.
   */
  private static ArrayBasedMapData tags(JsonParser p, JsonToken t, JsonGenerator json)
      throws IOException {
    if (t != JsonToken.START_OBJECT) {
      json.copyCurrentStructure(p);
      return null;
    }
    json.writeStartObject();
    List<Object> keys = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String group = p.currentName();
      JsonToken value = p.nextToken();
      json.writeFieldName(group);
      keys.add(UTF8String.fromString(group));
      if (value == JsonToken.VALUE_NULL) {
        values.add(null);
        json.writeNull();
      } else if (value == JsonToken.START_ARRAY) {
        List<Object> tags = new ArrayList<>();
        json.writeStartArray();
        JsonToken tag;
        while ((tag = p.nextToken()) != JsonToken.END_ARRAY) {
          tags.add(scalarText(p, tag, "metadata.tags." + group + "[]"));
          json.copyCurrentEvent(p);
        }
        json.writeEndArray();
        values.add(new GenericArrayData(tags.toArray()));
      } else {
        values.add(
            new GenericArrayData(new Object[] {scalarText(p, value, "metadata.tags." + group)}));
        json.copyCurrentEvent(p);
      }
    }
    json.writeEndObject();
    return new ArrayBasedMapData(
        new GenericArrayData(keys.toArray()), new GenericArrayData(values.toArray()));
  }

  private static boolean startArray(JsonToken t, String field) {
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_ARRAY) {
      throw wrongType(field, t, "an array");
    }
    return true;
  }

  private static boolean startObject(JsonToken t, String field) {
    if (t == JsonToken.VALUE_NULL) {
      return false;
    }
    if (t != JsonToken.START_OBJECT) {
      throw wrongType(field, t, "an object");
    }
    return true;
  }

  private static UTF8String string(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, t, "a string");
    }
    return UTF8String.fromString(p.getText());
  }

  /** A string, number or boolean as text (e.g. a frame timestamp sent as a number). */
  private static UTF8String scalarText(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (!t.isScalarValue()) {
      throw wrongType(field, t, "a string");
    }
    return UTF8String.fromString(p.getText());
  }

  private static GenericArrayData strings(JsonParser p, JsonToken t, String field)
      throws IOException {
    if (!startArray(t, field)) {
      return null;
    }
    List<Object> values = new ArrayList<>();
    JsonToken token;
    while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
      values.add(string(p, token, field + "[]"));
    }
    return new GenericArrayData(values.toArray());
  }

  private static Integer integer(JsonParser p, JsonToken t, String field) throws IOException {
    Long value = longInteger(p, t, field);
    if (value == null) {
      return null;
    }
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new DataException("field '" + field + "' is " + value + ", out of the int range");
    }
    return value.intValue();
  }

  private static Long longInteger(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_NUMBER_INT) {
      if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
        throw new DataException("field '" + field + "' is " + p.getText() + ", out of range");
      }
      return p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      double value = p.getDoubleValue();
      if (value == Math.rint(value) && Math.abs(value) < 0x1p53) {
        return (long) value;
      }
      throw new DataException("field '" + field + "' is " + p.getText() + ", expected an integer");
    }
    if (t == JsonToken.VALUE_STRING) {
      Long value = Numbers.integer(p.getText());
      if (value != null) {
        return value; // a BIGINT as node-postgres sends it
      }
      throw new DataException(
          "field '" + field + "' is the string '" + p.getText() + "', expected an integer");
    }
    throw wrongType(field, t, "an integer");
  }

  private static Double decimal(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t == JsonToken.VALUE_STRING) {
      Double value = Numbers.decimal(p.getText());
      if (value != null) {
        return value; // a NUMERIC as node-postgres sends it
      }
      throw new DataException(
          "field '" + field + "' is the string '" + p.getText() + "', expected a number");
    }
    if (!t.isNumeric()) {
      throw wrongType(field, t, "a number");
    }
    return p.getDoubleValue();
  }

  /** ISO 8601 as microseconds since the epoch; a time without an offset is taken as UTC. */
  private static Long timestamp(JsonParser p, JsonToken t, String field) throws IOException {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, t, "a string");
    }
    long micros = IsoTimestamps.micros(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (micros != IsoTimestamps.OTHER) {
      return micros;
    }
    String text = p.getText();
    try {
      TemporalAccessor parsed =
          DateTimeFormatter.ISO_DATE_TIME.parseBest(
              text, OffsetDateTime::from, LocalDateTime::from);
      Instant instant =
          parsed instanceof OffsetDateTime offset
              ? offset.toInstant()
              : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
      return Math.addExact(
          Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw new DataException(
          "field '" + field + "' is '" + text + "', expected an ISO 8601 timestamp");
    }
  }

  private static DataException wrongType(String field, JsonToken token, String expected) {
    return new DataException(
        "field '" + field + "' is " + describe(token) + ", expected " + expected);
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      default -> String.valueOf(token);
    };
  }
}
