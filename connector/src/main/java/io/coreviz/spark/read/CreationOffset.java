package io.coreviz.spark.read;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coreviz.spark.errors.DataException;
import java.io.Serializable;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * Where a stream of a collection stands: every item created before {@code createdAt} has been read,
 * and of those created at that very instant, the ones in {@code ids}. Creation times never change,
 * so this names the same items whenever it is read again. Stored in the checkpoint as JSON with a
 * {@code version} ({@value #VERSION}; offsets written before versions were kept read as version 1);
 * equal offsets have equal JSON (ids sorted).
 *
 * @param createdAt microseconds since the epoch; {@link Long#MIN_VALUE} before the first item
 * @param ids the ids created at {@code createdAt} already read
 */
record CreationOffset(long createdAt, SortedSet<String> ids) implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The version of the JSON this writes, and the newest it reads. */
  static final int VERSION = 1;

  /** Before every item. */
  static final CreationOffset EARLIEST = new CreationOffset(Long.MIN_VALUE, new TreeSet<>());

  CreationOffset {
    ids = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ids));
  }

  /** Before every item created at or after {@code micros}. */
  static CreationOffset before(long micros) {
    return micros == Long.MIN_VALUE ? EARLIEST : new CreationOffset(micros - 1, new TreeSet<>());
  }

  /**
   * The later of this offset and {@code latest}, as the end of the next batch: the same instant
   * with more ids read is later; an offset behind this one (the newest item was deleted) is not.
   */
  CreationOffset advancedTo(CreationOffset latest) {
    if (latest.createdAt > createdAt) {
      return latest;
    }
    if (latest.createdAt < createdAt || ids.containsAll(latest.ids)) {
      return this;
    }
    TreeSet<String> both = new TreeSet<>(ids);
    both.addAll(latest.ids);
    return new CreationOffset(createdAt, both);
  }

  /** True when an item created at {@code micros} with id {@code id} is at or before this offset. */
  boolean covers(long micros, String id) {
    return micros < createdAt || (micros == createdAt && ids.contains(id));
  }

  Offset toSpark() {
    return new SparkOffset(json());
  }

  String json() {
    ObjectNode node = JSON.createObjectNode();
    node.put("version", VERSION);
    if (createdAt != Long.MIN_VALUE) {
      node.put("createdAt", Instant.EPOCH.plus(createdAt, ChronoUnit.MICROS).toString());
    }
    node.put("micros", createdAt);
    node.putArray("ids").addAll(ids.stream().map(JSON.getNodeFactory()::textNode).toList());
    return node.toString();
  }

  static CreationOffset of(Offset offset) {
    return parse(offset.json());
  }

  static CreationOffset parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      JsonNode version = node == null ? null : node.get("version");
      if (version != null && !(version.canConvertToInt() && version.asInt() == VERSION)) {
        throw new DataException(
            "the checkpoint holds a CoreViz stream offset of version "
                + version
                + ", and this connector reads version "
                + VERSION
                + " (and offsets without a version): "
                + json
                + ". Read it with the connector that wrote it, or start a new checkpoint");
      }
      JsonNode micros = node == null ? null : node.get("micros");
      JsonNode ids = node == null ? null : node.get("ids");
      if (micros == null || !micros.canConvertToLong() || ids == null || !ids.isArray()) {
        throw new DataException(
            "a CoreViz stream offset needs \"micros\" and \"ids\"; the checkpoint holds " + json);
      }
      TreeSet<String> set = new TreeSet<>();
      ids.forEach(id -> set.add(id.asText()));
      return new CreationOffset(micros.asLong(), set);
    } catch (JsonProcessingException e) {
      throw new DataException("the checkpoint holds no CoreViz stream offset: " + json, e);
    }
  }

  @Override
  public String toString() {
    return json();
  }

  /** Spark's view of an offset: its JSON. */
  private static final class SparkOffset extends Offset {
    private final String json;

    SparkOffset(String json) {
      this.json = json;
    }

    @Override
    public String json() {
      return json;
    }
  }
}
