package io.coreviz.spark.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * What one read asks of {@code GET /api/dataset/{collectionId}/media}, typed: options build it,
 * pushdown narrows it, planners split it, and only {@link #page} turns it into URL parameters.
 * Immutable; the {@code with…} methods return copies.
 *
 * @param path the ltree path listed, or null for the collection root
 * @param recursive the whole subtree, or one level
 * @param type {@code image}, {@code video} or {@code folder}; null for all
 * @param dateFrom the service's first day, inclusive, or null
 * @param dateTo the service's last day, inclusive, or null
 * @param tags the legacy flat tag filter; empty for none
 * @param tagFilters tag group to values (AND between groups, OR within); empty for none
 * @param mediaId one item, or null
 * @param clusterId items whose objects belong to this cluster, or null
 * @param q text search (scored mode), or null
 * @param similarToObjectId similarity search (scored mode), or null
 * @param similarToObjectModel the embedding model of {@code similarToObjectId}, or null
 * @param minScore the lowest {@code _score} wanted (scored mode), or null
 * @param sort the order asked for; null in scored mode, which is ordered by relevance
 */
public record MediaQuery(
    String collectionId,
    String path,
    boolean recursive,
    String type,
    LocalDate dateFrom,
    LocalDate dateTo,
    List<String> tags,
    Map<String, Set<String>> tagFilters,
    String mediaId,
    String clusterId,
    String q,
    String similarToObjectId,
    String similarToObjectModel,
    Double minScore,
    Sort sort)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An ltree path, as {@code path} takes it: labels of letters, digits and _ joined by dots. */
  public static final Pattern LTREE = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");

  /** The API's browse sort: a field and a direction. */
  public record Sort(String field, boolean ascending) implements Serializable {

    /** The API's creation-time field, the one order key-anchored paging can follow. */
    public static final String CREATED_AT = "createdAt";

    /** The order offset ranges rely on: oldest first. */
    public static final Sort OLDEST_FIRST = new Sort(CREATED_AT, true);

    public static final Sort NEWEST_FIRST = new Sort(CREATED_AT, false);

    /** True for an order by creation time, either way. */
    public boolean byCreatedAt() {
      return field.equals(CREATED_AT);
    }

    public String direction() {
      return ascending ? "asc" : "desc";
    }
  }

  public MediaQuery {
    Objects.requireNonNull(collectionId);
    tags = List.copyOf(tags);
    Map<String, Set<String>> groups = new LinkedHashMap<>();
    tagFilters.forEach(
        (group, values) ->
            groups.put(group, Collections.unmodifiableSet(new LinkedHashSet<>(values))));
    tagFilters = Collections.unmodifiableMap(groups);
  }

  /** The whole collection, recursively, oldest first. */
  public static MediaQuery of(String collectionId) {
    return new MediaQuery(
        collectionId,
        null,
        true,
        null,
        null,
        null,
        List.of(),
        Map.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        Sort.OLDEST_FIRST);
  }

  /** True when {@code q} or {@code similarToObjectId} switches the API to scored mode. */
  public boolean scored() {
    return q != null || similarToObjectId != null;
  }

  /** The path listed: {@link #path} or, when that is null, the collection root. */
  public String listedPath() {
    return path == null ? collectionId : path;
  }

  public MediaQuery withPath(String path, boolean recursive) {
    return copy(
        q -> {
          q.path = path == null || path.equals(collectionId) ? null : path;
          q.recursive = recursive;
        });
  }

  public MediaQuery withType(String type) {
    return copy(q -> q.type = type);
  }

  public MediaQuery withDates(LocalDate dateFrom, LocalDate dateTo) {
    return copy(
        q -> {
          q.dateFrom = dateFrom;
          q.dateTo = dateTo;
        });
  }

  public MediaQuery withTags(List<String> tags, Map<String, Set<String>> tagFilters) {
    return copy(
        q -> {
          q.tags = tags;
          q.tagFilters = tagFilters;
        });
  }

  public MediaQuery withMediaId(String mediaId) {
    return copy(q -> q.mediaId = mediaId);
  }

  /** Scored-mode fields and the cluster filter; a scored query has no {@code sort}. */
  public MediaQuery withSearch(
      String clusterId, String q, String similarToObjectId, String model, Double minScore) {
    MediaQuery searched =
        copy(
            f -> {
              f.clusterId = clusterId;
              f.q = q;
              f.similarToObjectId = similarToObjectId;
              f.similarToObjectModel = model;
              f.minScore = minScore;
            });
    return searched.scored() ? searched.withSort(null) : searched;
  }

  /**
   * The items this scored query searches among, browsed: the same place (its whole subtree, as a
   * search covers), type, days, tags and cluster, without the search, oldest first.
   */
  public MediaQuery browsed() {
    return copy(f -> {
          f.recursive = true;
          f.q = null;
          f.similarToObjectId = null;
          f.similarToObjectModel = null;
          f.minScore = null;
        })
        .withSort(Sort.OLDEST_FIRST);
  }

  /** The same query in another order; ignored (null) in scored mode. */
  public MediaQuery withSort(Sort sort) {
    return copy(q -> q.sort = scored() ? null : sort);
  }

  private MediaQuery copy(Consumer<Fields> change) {
    Fields fields = new Fields(this);
    change.accept(fields);
    return fields.query();
  }

  /** The fields of a query being copied with changes. */
  private static final class Fields {
    final String collectionId;
    String path;
    boolean recursive;
    String type;
    LocalDate dateFrom;
    LocalDate dateTo;
    List<String> tags;
    Map<String, Set<String>> tagFilters;
    String mediaId;
    String clusterId;
    String q;
    String similarToObjectId;
    String similarToObjectModel;
    Double minScore;
    Sort sort;

    Fields(MediaQuery query) {
      collectionId = query.collectionId;
      path = query.path;
      recursive = query.recursive;
      type = query.type;
      dateFrom = query.dateFrom;
      dateTo = query.dateTo;
      tags = query.tags;
      tagFilters = query.tagFilters;
      mediaId = query.mediaId;
      clusterId = query.clusterId;
      q = query.q;
      similarToObjectId = query.similarToObjectId;
      similarToObjectModel = query.similarToObjectModel;
      minScore = query.minScore;
      sort = query.sort;
    }

    MediaQuery query() {
      return new MediaQuery(
          collectionId,
          path,
          recursive,
          type,
          dateFrom,
          dateTo,
          tags,
          tagFilters,
          mediaId,
          clusterId,
          q,
          similarToObjectId,
          similarToObjectModel,
          minScore,
          sort);
    }
  }

  /** The query parameters, in a stable order, without paging. */
  public Map<String, String> params() {
    Map<String, String> params = new LinkedHashMap<>();
    put(params, "path", path);
    params.put("recursive", String.valueOf(recursive));
    put(params, "type", type);
    put(params, "dateFrom", dateFrom);
    put(params, "dateTo", dateTo);
    put(params, "tags", tags.isEmpty() ? null : String.join(",", tags));
    put(params, "tagFilters", tagFilters.isEmpty() ? null : json(tagFilters));
    put(params, "mediaId", mediaId);
    put(params, "clusterId", clusterId);
    put(params, "q", q);
    put(params, "similarToObjectId", similarToObjectId);
    put(params, "similarToObjectModel", similarToObjectModel);
    put(params, "minScore", minScore == null ? null : number(minScore));
    if (sort != null) {
      params.put("sortBy", sort.field());
      params.put("sortDirection", sort.direction());
    }
    return params;
  }

  /** The parameters of this query that {@code base} lacks or sets otherwise, in their order. */
  public Map<String, String> paramsBeyond(MediaQuery base) {
    Map<String, String> others = base.params();
    Map<String, String> beyond = new LinkedHashMap<>();
    params()
        .forEach(
            (name, value) -> {
              if (!value.equals(others.get(name))) {
                beyond.put(name, value);
              }
            });
    return beyond;
  }

  /** The request without paging. */
  public MediaRequest request() {
    return MediaRequest.of(collectionId).with(params());
  }

  /** The request for {@code limit} items from {@code offset}. */
  public MediaRequest page(long offset, int limit) {
    return request().page(offset, limit);
  }

  private static void put(Map<String, String> params, String name, Object value) {
    if (value != null) {
      params.put(name, value.toString());
    }
  }

  private static String number(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? String.valueOf((long) value)
        : String.valueOf(value);
  }

  private static String json(Map<String, Set<String>> filters) {
    try {
      return JSON.writeValueAsString(filters);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return request().pathAndQuery();
  }
}
