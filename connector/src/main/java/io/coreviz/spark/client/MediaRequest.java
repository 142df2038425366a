package io.coreviz.spark.client;

import java.io.Serializable;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * One {@code GET /api/dataset/{collectionId}/media} request: the collection and its query
 * parameters in a stable order. Immutable; {@link #with} returns a copy.
 */
public final class MediaRequest implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final java.util.Set<String> PAGING = java.util.Set.of("offset", "limit");

  private final String collectionId;
  private final LinkedHashMap<String, String> params;

  private MediaRequest(String collectionId, LinkedHashMap<String, String> params) {
    this.collectionId = Objects.requireNonNull(collectionId);
    this.params = params;
  }

  public static MediaRequest of(String collectionId) {
    return new MediaRequest(collectionId, new LinkedHashMap<>());
  }

  /** A copy with {@code name} set to {@code value}, or removed when {@code value} is null. */
  public MediaRequest with(String name, Object value) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(params);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, value.toString());
    }
    return new MediaRequest(collectionId, copy);
  }

  /** A copy with every parameter of {@code params} set, in its order. */
  public MediaRequest with(Map<String, String> params) {
    LinkedHashMap<String, String> copy = new LinkedHashMap<>(this.params);
    copy.putAll(params);
    return new MediaRequest(collectionId, copy);
  }

  public MediaRequest page(long offset, int limit) {
    return with("limit", limit).with("offset", offset);
  }

  /**
   * True when this page request holds all of {@code other}'s items: the same query, and {@code
   * other}'s offsets inside this one's. A full answer to this request, cut to {@code other}'s
   * offsets, is an answer to {@code other} as the server would have given it at that moment.
   */
  public boolean covers(MediaRequest other) {
    if (!collectionId.equals(other.collectionId)
        || !params.keySet().containsAll(PAGING)
        || !other.params.keySet().containsAll(PAGING)) {
      return false;
    }
    LinkedHashMap<String, String> mine = new LinkedHashMap<>(params);
    LinkedHashMap<String, String> theirs = new LinkedHashMap<>(other.params);
    mine.keySet().removeAll(PAGING);
    theirs.keySet().removeAll(PAGING);
    return mine.equals(theirs)
        && offset() <= other.offset()
        && other.offset() + other.limit() <= offset() + limit();
  }

  /** The {@code offset} parameter; 0 where none is set. */
  public long offset() {
    String offset = params.get("offset");
    return offset == null ? 0 : Long.parseLong(offset);
  }

  /** The {@code limit} parameter; 0 where none is set. */
  public int limit() {
    String limit = params.get("limit");
    return limit == null ? 0 : Integer.parseInt(limit);
  }

  /** True when {@code q} or {@code similarToObjectId} switches the API to scored mode. */
  public boolean scored() {
    return params.containsKey("q") || params.containsKey("similarToObjectId");
  }

  public String collectionId() {
    return collectionId;
  }

  public Map<String, String> params() {
    return Collections.unmodifiableMap(params);
  }

  /** The path, e.g. {@code /api/dataset/<id>/media}. */
  public String path() {
    return "/api/dataset/" + collectionId + "/media";
  }

  /** Path and encoded query, as sent; safe to show: credentials travel in headers only. */
  public String pathAndQuery() {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    params.forEach((name, value) -> query.add(encode(name) + "=" + encode(value)));
    return path() + query;
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof MediaRequest that
        && collectionId.equals(that.collectionId)
        && params.equals(that.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(collectionId, params);
  }

  @Override
  public String toString() {
    return pathAndQuery();
  }
}
