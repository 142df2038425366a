package io.coreviz.emulator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validated query parameters of {@code GET /api/dataset/{collectionId}/media}, with the
 * defaults of the API page. Every invalid value is a 400 naming the parameter and what is valid.
 */
public record MediaQuery(
    String path,
    boolean recursive,
    int limit,
    int offset,
    String type,
    LocalDate dateFrom,
    LocalDate dateTo,
    String sortBy,
    boolean ascending,
    List<String> tags,
    Map<String, List<String>> tagFilters,
    String mediaId,
    String clusterId,
    String q,
    String similarToObjectId,
    String similarToObjectModel,
    double minScore) {

  public static final int DEFAULT_LIMIT = 10;
  public static final double DEFAULT_MIN_SCORE = 0.05;
  static final Set<String> TYPES = Set.of("image", "video", "folder", "all");
  static final Set<String> SORT_FIELDS =
      Set.of("name", "createdAt", "type", "description", "prompt");
  static final Set<String> SIMILARITY_MODELS = Set.of("faces", "objects", "shoeprints");

  private static final Pattern LTREE = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("uuuu-MM-dd").withResolverStyle(ResolverStyle.STRICT);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This query without its page ({@code offset} 0, {@code limit} 0): what selects and sorts. */
  public MediaQuery unpaged() {
    return with(dateFrom, dateTo, 0, 0);
  }

  /** This query without its page and without {@code dateFrom}/{@code dateTo}. */
  public MediaQuery undated() {
    return with(null, null, 0, 0);
  }

  private MediaQuery with(LocalDate from, LocalDate to, int limit, int offset) {
    return new MediaQuery(
        path,
        recursive,
        limit,
        offset,
        type,
        from,
        to,
        sortBy,
        ascending,
        tags,
        tagFilters,
        mediaId,
        clusterId,
        q,
        similarToObjectId,
        similarToObjectModel,
        minScore);
  }

  /** True when {@code q} or {@code similarToObjectId} switches the endpoint to scored mode. */
  public boolean scored() {
    return q != null || similarToObjectId != null;
  }

  /**
   * Parses decoded query parameters.
   *
   * @param collectionId the collection whose root is the default {@code path}
   * @param maxLimit the server's page-size cap; larger {@code limit}s are silently capped
   */
  public static MediaQuery parse(Map<String, String> params, String collectionId, int maxLimit) {
    String path = text(params, "path");
    if (path == null) {
      path = collectionId;
    } else if (!LTREE.matcher(path).matches()) {
      throw ApiException.badRequest(
          "Invalid path '" + path + "': expected an ltree path such as collectionId.folderId");
    }
    String type = text(params, "type");
    if (type != null && !TYPES.contains(type)) {
      throw ApiException.badRequest(
          "Invalid type '" + type + "': expected one of image, video, folder, all");
    }
    String sortBy = text(params, "sortBy");
    if (sortBy != null && !SORT_FIELDS.contains(sortBy)) {
      throw ApiException.badRequest(
          "Invalid sortBy '"
              + sortBy
              + "': expected one of name, createdAt, type, description, prompt");
    }
    String direction = text(params, "sortDirection");
    if (direction != null && !direction.equals("asc") && !direction.equals("desc")) {
      throw ApiException.badRequest(
          "Invalid sortDirection '" + direction + "': expected asc or desc");
    }
    String model = text(params, "similarToObjectModel");
    if (model != null && !SIMILARITY_MODELS.contains(model)) {
      throw ApiException.badRequest(
          "Invalid similarToObjectModel '"
              + model
              + "': expected one of faces, objects, shoeprints");
    }
    int limit = integer(params, "limit", DEFAULT_LIMIT, 1);
    LocalDate dateFrom = date(params, "dateFrom");
    LocalDate dateTo = date(params, "dateTo");
    return new MediaQuery(
        path,
        bool(params, "recursive"),
        Math.min(limit, maxLimit),
        integer(params, "offset", 0, 0),
        type == null || type.equals("all") ? null : type,
        dateFrom,
        dateTo,
        sortBy == null ? "createdAt" : sortBy,
        "asc".equals(direction),
        tags(text(params, "tags")),
        tagFilters(text(params, "tagFilters")),
        text(params, "mediaId"),
        text(params, "clusterId"),
        text(params, "q"),
        text(params, "similarToObjectId"),
        model,
        minScore(text(params, "minScore")));
  }

  /** A parameter's value, with an empty value treated as absent (as browsers send them). */
  private static String text(Map<String, String> params, String name) {
    String value = params.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  private static boolean bool(Map<String, String> params, String name) {
    String value = text(params, name);
    if (value == null || value.equals("false")) {
      return false;
    }
    if (value.equals("true")) {
      return true;
    }
    throw ApiException.badRequest("Invalid " + name + " '" + value + "': expected true or false");
  }

  private static int integer(Map<String, String> params, String name, int fallback, int min) {
    String value = text(params, name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "Invalid " + name + " '" + value + "': expected an integer >= " + min);
  }

  private static LocalDate date(Map<String, String> params, String name) {
    String value = text(params, name);
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value, DAY);
    } catch (DateTimeParseException e) {
      throw ApiException.badRequest("Invalid " + name + " '" + value + "': expected YYYY-MM-DD");
    }
  }

  private static double minScore(String value) {
    if (value == null) {
      return DEFAULT_MIN_SCORE;
    }
    try {
      double parsed = Double.parseDouble(value);
      if (Double.isFinite(parsed)) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest("Invalid minScore '" + value + "': expected a number");
  }

  private static List<String> tags(String value) {
    List<String> tags = new ArrayList<>();
    if (value != null) {
      for (String tag : value.split(",")) {
        if (!tag.isBlank()) {
          tags.add(tag.trim());
        }
      }
    }
    return List.copyOf(tags);
  }

  private static Map<String, List<String>> tagFilters(String value) {
    if (value == null) {
      return Map.of();
    }
    String expected = "expected a JSON object of tag group to array of values";
    JsonNode root;
    try {
      root = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("Malformed tagFilters: " + expected);
    }
    if (root == null || !root.isObject()) {
      throw ApiException.badRequest("Malformed tagFilters: " + expected);
    }
    Map<String, List<String>> filters = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> group : root.properties()) {
      if (!group.getValue().isArray()) {
        throw ApiException.badRequest(
            "Malformed tagFilters: group '" + group.getKey() + "' is not an array; " + expected);
      }
      List<String> values = new ArrayList<>();
      for (JsonNode tag : group.getValue()) {
        if (!tag.isTextual()) {
          throw ApiException.badRequest(
              "Malformed tagFilters: group '"
                  + group.getKey()
                  + "' holds a non-string value; "
                  + expected);
        }
        values.add(tag.asText());
      }
      if (!values.isEmpty()) {
        filters.put(group.getKey(), List.copyOf(values));
      }
    }
    return filters;
  }
}
