package io.coreviz.spark.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.coreviz.spark.errors.DataException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a page body ({@code {"media": [...], "pagination": {...}}}, keys in any order) into a
 * {@link MediaPage}: items go to the {@link ItemReader} one at a time, no tree of the page is
 * built. Anything that is not that shape is a {@link DataException} naming the request.
 */
final class PageParser {

  private static final JsonFactory JSON =
      JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 << 20).build())
          .build();

  private PageParser() {}

  static <T> MediaPage<T> parse(InputStream body, ItemReader<T> reader, String request)
      throws IOException {
    return parse(body, reader, request, true);
  }

  /**
   * Parses a page; where the body is not {@code framed} (no {@code Content-Length}, not chunked: it
   * ends when the connection closes), an end before the JSON's is an {@link EOFException}, a
   * connection cut to be retried, not malformed JSON.
   */
  static <T> MediaPage<T> parse(
      InputStream body, ItemReader<T> reader, String request, boolean framed) throws IOException {
    try (JsonParser parser = JSON.createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null && !framed) {
        throw cut(request);
      }
      if (first != JsonToken.START_OBJECT) {
        throw new DataException(
            "CoreViz sent a response that is not a JSON object for GET " + request);
      }
      List<T> items = null;
      Pagination pagination = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("media")) {
          items = items(parser, value, reader, request);
        } else if (field.equals("pagination")) {
          pagination = pagination(parser, value, request);
        } else {
          parser.skipChildren();
        }
      }
      if (items == null) {
        throw new DataException("CoreViz response to GET " + request + " has no 'media' array");
      }
      if (pagination == null) {
        throw new DataException(
            "CoreViz response to GET " + request + " has no 'pagination' object");
      }
      if (parser.nextToken() != null) {
        throw new DataException(
            "CoreViz response to GET " + request + " has trailing content after the JSON object");
      }
      return new MediaPage<>(items, pagination);
    } catch (JsonEOFException e) {
      if (!framed) {
        throw cut(request);
      }
      throw malformed(request, e);
    } catch (StreamReadException e) {
      throw malformed(request, e);
    }
  }

  private static EOFException cut(String request) {
    return new EOFException(
        "the answer to GET " + request + " ended before its JSON did: the connection closed");
  }

  private static DataException malformed(String request, StreamReadException e) {
    return new DataException(
        "CoreViz sent malformed or truncated JSON for GET "
            + request
            + ": "
            + e.getOriginalMessage(),
        e);
  }

  private static <T> List<T> items(
      JsonParser parser, JsonToken value, ItemReader<T> reader, String request) throws IOException {
    if (value != JsonToken.START_ARRAY) {
      throw new DataException(
          "CoreViz response to GET " + request + ": 'media' is " + value + ", expected an array");
    }
    List<T> items = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.START_OBJECT) {
        throw new DataException(
            "CoreViz response to GET "
                + request
                + ": media["
                + items.size()
                + "] is "
                + token
                + ", expected an object");
      }
      try {
        T item = reader.read(parser);
        if (item != null) {
          items.add(item);
        }
      } catch (DataException e) {
        throw new DataException(
            "CoreViz response to GET "
                + request
                + ", media["
                + items.size()
                + "]: "
                + e.getMessage(),
            e);
      }
    }
    return items;
  }

  private static Pagination pagination(JsonParser parser, JsonToken value, String request)
      throws IOException {
    if (value != JsonToken.START_OBJECT) {
      throw new DataException(
          "CoreViz response to GET "
              + request
              + ": 'pagination' is "
              + value
              + ", expected an object");
    }
    Long total = null;
    long limit = -1;
    long offset = -1;
    Boolean hasMore = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      switch (field) {
        case "total" -> total = count(parser, token, field, request);
        case "limit" -> limit = count(parser, token, field, request);
        case "offset" -> offset = count(parser, token, field, request);
        case "hasMore" -> hasMore = flag(parser, token, request);
        default -> parser.skipChildren();
      }
    }
    if (total == null) {
      throw new DataException(
          "CoreViz response to GET " + request + ": 'pagination' has no 'total'");
    }
    return new Pagination(total, limit, offset, hasMore);
  }

  /**
   * A count: a JSON integer, or a string of digits (node-postgres sends BIGINT and {@code count(*)}
   * as strings).
   */
  private static long count(JsonParser parser, JsonToken token, String field, String request)
      throws IOException {
    Long value = null;
    if (token == JsonToken.VALUE_NUMBER_INT
        && parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      value = parser.getLongValue();
    } else if (token == JsonToken.VALUE_STRING) {
      value = Numbers.digits(parser.getText());
    }
    if (value == null || value < 0) {
      throw new DataException(
          "CoreViz response to GET "
              + request
              + ": pagination."
              + field
              + " is '"
              + parser.getText()
              + "', expected a non-negative integer");
    }
    return value;
  }

  /** {@code hasMore}: true, false, or absent/null; a string "true"/"false" is read as such. */
  private static Boolean flag(JsonParser parser, JsonToken token, String request)
      throws IOException {
    return switch (token) {
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> {
        String text = token == JsonToken.VALUE_STRING ? parser.getText() : null;
        if ("true".equals(text) || "false".equals(text)) {
          yield Boolean.valueOf(text);
        }
        parser.skipChildren();
        throw new DataException(
            "CoreViz response to GET "
                + request
                + ": pagination.hasMore is '"
                + parser.getText()
                + "', expected true or false");
      }
    };
  }
}
