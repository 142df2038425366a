package io.coreviz.spark.client;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;

/**
 * Turns one element of the {@code media} array into a value, straight from the token stream.
 *
 * @param <T> what an item becomes, e.g. a Spark row
 */
@FunctionalInterface
public interface ItemReader<T> {

  /**
   * Reads one item. The parser is on the item's {@code START_OBJECT}; the reader must leave it on
   * the matching {@code END_OBJECT}. Throws {@link io.coreviz.spark.errors.DataException} for an
   * item of the wrong shape.
   */
  T read(JsonParser parser) throws IOException;

  /** Skips every item: for requests that only need {@code pagination}. */
  ItemReader<Void> SKIP =
      parser -> {
        parser.skipChildren();
        return null;
      };

  /** Skips every item but counts it: each item reads as {@code TRUE}. */
  ItemReader<Boolean> EXISTS =
      parser -> {
        parser.skipChildren();
        return Boolean.TRUE;
      };
}
