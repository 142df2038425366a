package io.coreviz.spark.read.pushdown;

import io.coreviz.spark.client.MediaQuery;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The query as the rules narrow it, predicate by predicate; {@link #result} gives the narrowed
 * query and the request sets it is the union of.
 */
final class Narrowing {

  final MediaQuery base;

  /** The options fixed the type; a type predicate can only keep or empty the scan. */
  final boolean typeFixed;

  /** The options fixed the item; ids are not looked up again. */
  final boolean idFixed;

  /**
   * The options set a filter a returned row cannot be checked against (dates, tags, cluster, scored
   * search): a server that answers {@code mediaId} with the item whatever the other parameters say
   * would break it, so ids are not looked up. Type and path are checked on every row ({@code
   * read.Scope}).
   */
  final boolean uncheckedOptions;

  Set<String> types;
  Set<String> ids;
  final Map<String, Set<String>> tagFilters;
  LocalDate from;
  LocalDate to;
  String path;
  boolean recursive;
  boolean empty;

  Narrowing(MediaQuery base) {
    this.base = base;
    this.typeFixed = base.type() != null;
    this.idFixed = base.mediaId() != null;
    this.uncheckedOptions =
        base.dateFrom() != null
            || base.dateTo() != null
            || !base.tags().isEmpty()
            || !base.tagFilters().isEmpty()
            || base.clusterId() != null
            || base.scored();
    this.types = typeFixed ? Set.of(base.type()) : null;
    this.from = base.dateFrom();
    this.to = base.dateTo();
    this.path = base.listedPath();
    this.recursive = base.recursive();
    this.tagFilters = new LinkedHashMap<>(base.tagFilters());
  }

  String root() {
    return base.collectionId();
  }

  /** The narrowed query (a single type included); alternatives add one type or id each. */
  MediaQuery query() {
    MediaQuery query =
        base.withPath(path, recursive).withDates(from, to).withTags(base.tags(), tagFilters);
    if (types != null && types.size() == 1) {
      query = query.withType(types.iterator().next());
    }
    return query;
  }

  /** True when no item can match: no request is needed. */
  boolean none() {
    return empty
        || (types != null && types.isEmpty())
        || (ids != null && ids.isEmpty())
        || (from != null && to != null && from.isAfter(to));
  }

  static Set<String> intersect(Set<String> current, Set<String> values) {
    Set<String> result = new LinkedHashSet<>(values);
    if (current != null) {
      result.retainAll(current);
    }
    return result;
  }
}
