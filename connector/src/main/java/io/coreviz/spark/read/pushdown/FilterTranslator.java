package io.coreviz.spark.read.pushdown;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.catalog.CoreVizFunction;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Literal;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.UserDefinedScalarFunc;
import org.apache.spark.sql.connector.expressions.filter.And;
import org.apache.spark.sql.connector.expressions.filter.Or;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.types.DataTypes;

/**
 * Translates Spark's V2 predicates into query parameters of the media endpoint.
 *
 * <p>A predicate leaves Spark's plan only where the API applies it with exactly Spark's semantics;
 * otherwise it is sent as a pre-filter and Spark evaluates it again:
 *
 * <ul>
 *   <li>{@code type = 'image'}, {@code type IN (…)} and ORs of those, over the API's types: {@code
 *       type} (one request set per type), exact. A row of another type can never match.
 *   <li>{@code createdAt} comparisons: {@code dateFrom}/{@code dateTo} widened to a superset under
 *       any reading of the API's days (a day earlier, two days later), pre-filter only: the API
 *       page names no zone, and servers implement "inclusive" loosely.
 *   <li>{@code id = x}, {@code id IN (…)}: {@code mediaId}, one request per id (up to {@value
 *       #MAX_IDS}), pre-filter only, and every other predicate then stays with Spark too; not
 *       pushed where options set filters a row cannot be checked against (dates, tags, cluster,
 *       scored search).
 *   <li>{@code startswith(path, 'p.')}, {@code path LIKE 'p.%'}: {@code path=p} over the subtree,
 *       exact when the prefix is whole labels followed by a dot; a partial last label pushes its
 *       parent as a pre-filter. {@code path = 'p.x'} lists {@code p} one level, pre-filter.
 *   <li>{@code coreviz.has_tag(metadata.tags, g, v)}, {@code coreviz.has_any_tag(…)} and ORs of
 *       those on one group: {@code tagFilters} (AND between groups, OR within one), exact.
 *   <li>{@code coreviz.in_folder(path, 'p')}: {@code path=p} over the subtree, exact.
 * </ul>
 *
 * Everything else (NOT, other tag predicates, nested fields, other columns) stays with Spark.
 */
public final class FilterTranslator {

  /** More ids than this are not worth one request each: they stay with Spark. */
  public static final int MAX_IDS = 100;

  static final Set<String> TYPES = Set.of("image", "video", "folder");
  private static final Pattern LTREE = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Outcome {
    EXACT,
    PREFILTER,
    NOT_PUSHED
  }

  private final String root;
  private final boolean typeFixed;
  private final boolean idFixed;

  /**
   * The options set a filter a returned row cannot be checked against: a server that answers {@code
   * mediaId} with the item whatever the other parameters say would break it, so ids are not looked
   * up. (Type and path are checked on every row, see {@code read.Scope}.)
   */
  private final boolean uncheckedOptions;

  private static final Set<String> UNCHECKABLE =
      Set.of("dateFrom", "dateTo", "tags", "tagFilters", "clusterId", "q", "similarToObjectId");
  private Set<String> types;
  private Set<String> ids;
  private final Map<String, Set<String>> tagFilters;
  private LocalDate from;
  private LocalDate to;
  private String path;
  private boolean recursive;
  private boolean empty;

  private FilterTranslator(String collectionId, Map<String, String> base) {
    this.root = collectionId;
    this.typeFixed = base.containsKey("type");
    this.idFixed = base.containsKey("mediaId");
    this.uncheckedOptions = UNCHECKABLE.stream().anyMatch(base::containsKey);
    this.types = typeFixed ? Set.of(base.get("type")) : null;
    this.from = base.containsKey("dateFrom") ? LocalDate.parse(base.get("dateFrom")) : null;
    this.to = base.containsKey("dateTo") ? LocalDate.parse(base.get("dateTo")) : null;
    this.path = base.getOrDefault("path", collectionId);
    this.tagFilters = parseTagFilters(base.get("tagFilters"));
    this.recursive = Boolean.parseBoolean(base.getOrDefault("recursive", "false"));
  }

  /**
   * @param collectionId the collection, whose id is the root of every path
   * @param base the parameters the options already set
   * @param predicates the conjuncts Spark offers
   */
  public static PushedFilters translate(
      String collectionId, Map<String, String> base, Predicate[] predicates) {
    return new FilterTranslator(collectionId, base).run(base, predicates);
  }

  private PushedFilters run(Map<String, String> base, Predicate[] predicates) {
    Map<Predicate, Outcome> outcomes = new LinkedHashMap<>();
    Set<String> exactColumns = new LinkedHashSet<>();
    for (Predicate predicate : predicates) {
      if (!predicate.name().equals("IS_NOT_NULL")) {
        Outcome outcome = apply(predicate);
        outcomes.put(predicate, outcome);
        if (outcome == Outcome.EXACT) {
          exactColumns.addAll(columns(predicate));
        }
      }
    }
    List<Predicate> pushed = new ArrayList<>();
    List<Predicate> residual = new ArrayList<>();
    for (Predicate predicate : predicates) {
      // Spark adds "c IS NOT NULL" beside every comparison on c: an exact comparison implies it.
      Outcome outcome =
          outcomes.getOrDefault(
              predicate,
              exactColumns.containsAll(columns(predicate)) && !columns(predicate).isEmpty()
                  ? Outcome.EXACT
                  : Outcome.NOT_PUSHED);
      if (outcome != Outcome.NOT_PUSHED) {
        pushed.add(predicate);
      }
      // With ids looked up, Spark keeps every predicate: a server may answer mediaId with the
      // item whatever the other parameters say.
      if (outcome != Outcome.EXACT || ids != null) {
        residual.add(predicate);
      }
    }
    Map<String, String> params = new LinkedHashMap<>(base);
    put(params, "path", path.equals(root) && !base.containsKey("path") ? null : path);
    params.put("recursive", String.valueOf(recursive));
    put(params, "dateFrom", from);
    put(params, "dateTo", to);
    put(params, "tagFilters", tagFilters.isEmpty() ? null : json(tagFilters));
    List<Map<String, String>> alternatives = new ArrayList<>();
    alternatives.add(Map.of());
    if (types != null && !typeFixed) {
      if (types.size() == 1) {
        params.put("type", types.iterator().next());
      } else {
        alternatives = expand(alternatives, "type", types);
      }
    }
    if (ids != null) {
      params.remove("mediaId");
      alternatives = expand(alternatives, "mediaId", ids);
    }
    boolean none =
        empty
            || (types != null && types.isEmpty())
            || (ids != null && ids.isEmpty())
            || (from != null && to != null && from.isAfter(to));
    return new PushedFilters(params, none ? List.of() : alternatives, none, pushed, residual);
  }

  private static void put(Map<String, String> params, String name, Object value) {
    if (value == null) {
      params.remove(name);
    } else {
      params.put(name, value.toString());
    }
  }

  private static List<Map<String, String>> expand(
      List<Map<String, String>> alternatives, String name, Set<String> values) {
    List<Map<String, String>> expanded = new ArrayList<>();
    for (Map<String, String> alternative : alternatives) {
      for (String value : values) {
        Map<String, String> copy = new LinkedHashMap<>(alternative);
        copy.put(name, value);
        expanded.add(copy);
      }
    }
    return expanded;
  }

  private Outcome apply(Predicate predicate) {
    if (predicate instanceof And and) {
      Outcome left = apply(and.left());
      Outcome right = apply(and.right());
      if (left == Outcome.EXACT && right == Outcome.EXACT) {
        return Outcome.EXACT;
      }
      return left == Outcome.NOT_PUSHED && right == Outcome.NOT_PUSHED
          ? Outcome.NOT_PUSHED
          : Outcome.PREFILTER;
    }
    Map.Entry<String, Set<String>> tags = tagTerm(predicate);
    if (tags != null) {
      return tag(tags.getKey(), tags.getValue());
    }
    String folder = functionArgument(predicate, CoreVizFunction.IN_FOLDER, "path");
    if (folder != null) {
      return recursive ? subtree(folder, true) : Outcome.NOT_PUSHED;
    }
    Set<String> typeValues = values(predicate, "type");
    if (typeValues != null) {
      return type(typeValues);
    }
    Set<String> idValues = values(predicate, "id");
    if (idValues != null) {
      return id(idValues);
    }
    Outcome date = createdAt(predicate);
    if (date != null) {
      return date;
    }
    return pathPredicate(predicate);
  }

  private Outcome type(Set<String> values) {
    if (!TYPES.containsAll(values)) {
      return Outcome.NOT_PUSHED;
    }
    if (typeFixed) {
      // The API already returns only the option's type: the predicate is always true, or never.
      empty |= !values.contains(types.iterator().next());
      return Outcome.EXACT;
    }
    types = intersect(types, values);
    return Outcome.EXACT;
  }

  /**
   * One tag group per predicate set: AND between groups and OR within one is what the API's
   * tagFilters means. A second predicate on a group already filtered (an AND within a group) is not
   * expressible and stays with Spark.
   */
  private Outcome tag(String group, Set<String> values) {
    if (tagFilters.containsKey(group)) {
      return Outcome.NOT_PUSHED;
    }
    tagFilters.put(group, values);
    return Outcome.EXACT;
  }

  /**
   * The group and values of {@code coreviz.has_tag(metadata.tags, g, v)}, {@code
   * coreviz.has_any_tag(metadata.tags, g, array(…))}, or an OR of those on one group; else null.
   */
  static Map.Entry<String, Set<String>> tagTerm(Predicate predicate) {
    if (predicate instanceof Or or) {
      Map.Entry<String, Set<String>> left = tagTerm(or.left());
      Map.Entry<String, Set<String>> right = tagTerm(or.right());
      if (left == null || right == null || !left.getKey().equals(right.getKey())) {
        return null;
      }
      Set<String> values = new LinkedHashSet<>(left.getValue());
      values.addAll(right.getValue());
      return Map.entry(left.getKey(), values);
    }
    UserDefinedScalarFunc call = call(predicate);
    if (call == null
        || call.children().length != 3
        || !isColumn(call.children()[0], "metadata.tags")) {
      return null;
    }
    if (!(call.children()[1] instanceof Literal<?> group)
        || group.value() == null
        || !(call.children()[2] instanceof Literal<?> value)
        || value.value() == null) {
      return null;
    }
    Set<String> values = new LinkedHashSet<>();
    if (call.canonicalName().equals(CoreVizFunction.HAS_TAG.canonicalName())
        && value.dataType().equals(DataTypes.StringType)) {
      values.add(value.value().toString());
    } else if (call.canonicalName().equals(CoreVizFunction.HAS_ANY_TAG.canonicalName())
        && value.value() instanceof ArrayData array) {
      for (int i = 0; i < array.numElements(); i++) {
        if (!array.isNullAt(i)) {
          values.add(array.getUTF8String(i).toString());
        }
      }
      if (values.isEmpty()) {
        return null;
      }
    } else {
      return null;
    }
    return Map.entry(group.value().toString(), values);
  }

  /**
   * The string literal {@code function(column, 'x')} is called with, when the predicate is that.
   */
  private static String functionArgument(
      Predicate predicate, CoreVizFunction function, String column) {
    UserDefinedScalarFunc call = call(predicate);
    if (call == null
        || !call.canonicalName().equals(function.canonicalName())
        || call.children().length != 2
        || !isColumn(call.children()[0], column)
        || !(call.children()[1] instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.StringType)
        || literal.value() == null) {
      return null;
    }
    return literal.value().toString();
  }

  /** A connector function used as a predicate: Spark sends {@code f(…) = true}. */
  private static UserDefinedScalarFunc call(Predicate predicate) {
    Expression[] children = predicate.children();
    if (predicate.name().equals("=")
        && children.length == 2
        && children[0] instanceof UserDefinedScalarFunc call
        && children[1] instanceof Literal<?> literal
        && Boolean.TRUE.equals(literal.value())) {
      return call;
    }
    return null;
  }

  private static Map<String, Set<String>> parseTagFilters(String json) {
    Map<String, Set<String>> filters = new LinkedHashMap<>();
    if (json == null) {
      return filters;
    }
    try {
      JsonNode root = JSON.readTree(json);
      for (Map.Entry<String, JsonNode> group : root.properties()) {
        Set<String> values = new LinkedHashSet<>();
        group.getValue().forEach(value -> values.add(value.asText()));
        filters.put(group.getKey(), values);
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("tagFilters were validated as JSON: " + json, e);
    }
    return filters;
  }

  private static String json(Map<String, Set<String>> filters) {
    try {
      return JSON.writeValueAsString(filters);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Outcome id(Set<String> values) {
    Set<String> narrowed = intersect(ids, values);
    if (idFixed || narrowed.size() > MAX_IDS || uncheckedOptions) {
      return Outcome.NOT_PUSHED;
    }
    ids = narrowed;
    return Outcome.PREFILTER;
  }

  private static Set<String> intersect(Set<String> current, Set<String> values) {
    Set<String> result = new LinkedHashSet<>(values);
    if (current != null) {
      result.retainAll(current);
    }
    return result;
  }

  /**
   * The string values a predicate allows for {@code column}: {@code column = 'v'}, {@code column IN
   * (…)}, or an OR of those; null when it is anything else. Null literals match nothing.
   */
  static Set<String> values(Predicate predicate, String column) {
    if (predicate instanceof Or or) {
      Set<String> left = values(or.left(), column);
      Set<String> right = values(or.right(), column);
      if (left == null || right == null) {
        return null;
      }
      left.addAll(right);
      return left;
    }
    Expression[] children = predicate.children();
    boolean equality = predicate.name().equals("=") || predicate.name().equals("<=>");
    if (!(equality || predicate.name().equals("IN")) || children.length < 2) {
      return null;
    }
    int ref = isColumn(children[0], column) ? 0 : -1;
    if (ref < 0 && equality && isColumn(children[1], column)) {
      ref = 1;
    }
    if (ref < 0) {
      return null;
    }
    Set<String> values = new LinkedHashSet<>();
    for (int i = 0; i < children.length; i++) {
      if (i == ref) {
        continue;
      }
      if (!(children[i] instanceof Literal<?> literal)
          || !literal.dataType().equals(DataTypes.StringType)) {
        return null;
      }
      if (literal.value() != null) {
        values.add(literal.value().toString());
      }
    }
    return values;
  }

  /** The top-level columns a predicate references. */
  private static Set<String> columns(Expression expression) {
    Set<String> columns = new LinkedHashSet<>();
    for (NamedReference ref : expression.references()) {
      columns.add(String.join(".", ref.fieldNames()));
    }
    return columns;
  }

  /** True when {@code expression} is the column (or nested field, dotted) {@code column}. */
  private static boolean isColumn(Expression expression, String column) {
    return expression instanceof NamedReference ref
        && String.join(".", ref.fieldNames()).equals(column);
  }

  /** {@code createdAt <op> timestamp}, either way round; null when it is not that. */
  private Outcome createdAt(Predicate predicate) {
    Expression[] children = predicate.children();
    if (children.length != 2) {
      return null;
    }
    String op = predicate.name();
    Expression value = children[1];
    if (!isColumn(children[0], "createdAt")) {
      if (!isColumn(children[1], "createdAt")) {
        return null;
      }
      value = children[0];
      op = flip(op);
    }
    if (op == null
        || !(value instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.TimestampType)
        || !(literal.value() instanceof Long micros)) {
      return null;
    }
    LocalDate day =
        LocalDate.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
    boolean midnight = Math.floorMod(micros, MICROS_PER_DAY) == 0;
    return switch (op) {
      case ">=", ">" -> lower(day);
      case "<" -> upper(midnight ? day.minusDays(1) : day);
      case "<=" -> upper(day);
      case "=", "<=>" -> {
        lower(day);
        yield upper(day);
      }
      default -> null;
    };
  }

  private static String flip(String op) {
    return switch (op) {
      case "<" -> ">";
      case "<=" -> ">=";
      case ">" -> "<";
      case ">=" -> "<=";
      case "=", "<=>" -> op;
      default -> null;
    };
  }

  /**
   * Items on UTC day {@code day} or later are wanted. The API page does not say in which zone its
   * days are, so {@code dateFrom} is the day before: a superset under any zone within ±24 h. The
   * exact comparison stays in Spark.
   */
  private Outcome lower(LocalDate day) {
    LocalDate widened = day.minusDays(1);
    from = from == null || widened.isAfter(from) ? widened : from;
    return Outcome.PREFILTER;
  }

  /**
   * Items up to UTC day {@code day} are wanted: {@code dateTo} two days later is a superset under
   * any zone within ±24 h, also where a server's {@code dateTo} excludes its own day (a {@code
   * createdAt <= dateTo} at midnight). The exact comparison stays in Spark.
   */
  private Outcome upper(LocalDate day) {
    LocalDate widened = day.plusDays(2);
    to = to == null || widened.isBefore(to) ? widened : to;
    return Outcome.PREFILTER;
  }

  /** {@code STARTS_WITH(path, 'prefix')} and {@code path = 'p.x'}. */
  private Outcome pathPredicate(Predicate predicate) {
    Expression[] children = predicate.children();
    if (children.length != 2
        || !isColumn(children[0], "path")
        || !(children[1] instanceof Literal<?> literal)
        || !literal.dataType().equals(DataTypes.StringType)
        || literal.value() == null) {
      return Outcome.NOT_PUSHED;
    }
    String text = literal.value().toString();
    if (predicate.name().equals("STARTS_WITH") && recursive) {
      boolean whole = text.endsWith(".");
      String prefix = whole ? text.substring(0, text.length() - 1) : parent(text);
      return subtree(prefix, whole);
    }
    if (predicate.name().equals("=") && recursive && LTREE.matcher(text).matches()) {
      String parent = parent(text);
      if (parent != null && within(parent, path)) {
        path = parent;
        recursive = false;
        return Outcome.PREFILTER;
      }
    }
    return Outcome.NOT_PUSHED;
  }

  /** Narrows the scan to the subtree under {@code prefix} when that is inside the current one. */
  private Outcome subtree(String prefix, boolean whole) {
    if (prefix == null || !LTREE.matcher(prefix).matches()) {
      return Outcome.NOT_PUSHED;
    }
    if (within(prefix, path)) {
      path = prefix;
      return whole ? Outcome.EXACT : Outcome.PREFILTER;
    }
    if (within(path, prefix)) {
      // The scan is already inside the prefix: every row satisfies it.
      return whole ? Outcome.EXACT : Outcome.NOT_PUSHED;
    }
    if (whole) {
      empty = true; // disjoint subtrees
      return Outcome.EXACT;
    }
    return Outcome.NOT_PUSHED;
  }

  /** True when ltree {@code inner} equals {@code outer} or lies below it. */
  private static boolean within(String inner, String outer) {
    return inner.equals(outer) || inner.startsWith(outer + ".");
  }

  private static String parent(String text) {
    int dot = text.lastIndexOf('.');
    return dot < 0 ? null : text.substring(0, dot);
  }
}
