package io.coreviz.emulator.api;

import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.text.Normalizer;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Executes a {@link MediaQuery} against a collection, as the CoreViz service does.
 *
 * <p>Semantics where the API page is silent, chosen to match a PostgreSQL-backed service:
 *
 * <ul>
 *   <li>Browse mode lists the children of {@code path} (or all descendants with {@code
 *       recursive=true}), folders included. Scored mode searches images and videos in the whole
 *       subtree under {@code path}.
 *   <li>{@code dateFrom}/{@code dateTo} compare the UTC calendar day of {@code createdAt}.
 *   <li>Other readings a real service could have are chosen with {@link Semantics}.
 *   <li>{@code tags} keeps items carrying any listed value in any group; {@code tagFilters}
 *       requires, for every group, one of that group's values.
 *   <li>Sorting compares strings by code point; nulls sort last ascending and first descending;
 *       ties are broken by id so pages are stable.
 *   <li>{@code q} scores the share of query words found in the name (weight 1), object labels and
 *       tag values (0.9), description and prompt (0.7). {@code similarToObjectId} scores the best
 *       cosine similarity between the query object's embedding and the item's objects' embeddings
 *       for the model ({@code similarToObjectModel}, default from the object's type).
 * </ul>
 */
public final class MediaSearch {

  /** One result row: the item and, in scored mode, its {@code _score}. */
  public record Hit(MediaItem item, Double score) {}

  /**
   * One page of results, the number of matches, the total the server reports (which a {@link
   * Semantics#totalCap()} may make smaller and a {@link Semantics#totalExcess()} larger) and
   * whether it says more items follow.
   */
  public record Result(List<Hit> page, int matches, int total, boolean hasMore) {

    public Result(List<Hit> page, int total) {
      this(page, total, total, false);
    }
  }

  private MediaSearch() {}

  public static Result search(MediaCollection collection, MediaQuery query) {
    return search(collection, query, 0);
  }

  /**
   * Like {@link #search(MediaCollection, MediaQuery)}; a non-zero {@code tieSalt} orders items with
   * equal sort keys by a hash of their id and the salt instead of by id, so a new salt per request
   * gives the unstable tie order a database gives.
   */
  public static Result search(MediaCollection collection, MediaQuery query, long tieSalt) {
    return search(collection, query, Semantics.DEFAULT, tieSalt);
  }

  /**
   * Like {@link #search(MediaCollection, MediaQuery, long)}, reading the API page as {@code
   * semantics} says; the salt orders the ties that {@code semantics} leaves unstable.
   */
  public static Result search(
      MediaCollection collection, MediaQuery query, Semantics semantics, long tieSalt) {
    return page(matches(collection, query, semantics, tieSalt), query, semantics);
  }

  /**
   * Every item {@code query} selects, in its order, whatever its {@code offset} and {@code limit}:
   * the same for every page of one query while the collection does not change and ties are stable
   * ({@code tieSalt} 0), so a server can compute it once per query and serve each page from it.
   */
  public static List<Hit> matches(
      MediaCollection collection, MediaQuery query, Semantics semantics, long tieSalt) {
    List<Hit> hits = new ArrayList<>();
    Scorer scorer = query.scored() ? scorer(collection, query) : null;
    boolean byIdOnly = semantics.mediaIdIgnoresFilters() && query.mediaId() != null;
    // In creation order (with stable ties), the collection's own order is filtered, not sorted: a
    // service answers such a query from its index, and a plan's first probes must not wait for a
    // sort of the whole collection.
    boolean inCreationOrder =
        scorer == null
            && query.sortBy().equals("createdAt")
            && (tieSalt == 0 || !semantics.unstableTies());
    Scope scope = new Scope(query, semantics);
    Days days = Days.of(query, semantics);
    for (MediaItem item :
        inCreationOrder ? collection.byCreation(query.ascending()) : collection.items()) {
      boolean selected =
          byIdOnly
              ? item.id().equals(query.mediaId())
              : scope.contains(item) && matchesFilters(item, query, days);
      if (!selected) {
        continue;
      }
      hits.add(new Hit(item, scorer == null ? null : scorer.score(item)));
    }
    if (scorer != null) {
      hits = scored(hits, query, semantics);
    }
    if (!inCreationOrder) {
      hits.sort(
          scorer == null
              ? browseOrder(query, semantics, semantics.unstableTies() ? tieSalt : 0)
              : scoredOrder(semantics.unstableScoreTies() ? tieSalt : 0));
    }
    return hits;
  }

  /**
   * The scored hits above {@code query}'s {@code minScore}, each score divided by the highest where
   * {@code semantics} normalises scores per result set.
   */
  private static List<Hit> scored(List<Hit> hits, MediaQuery query, Semantics semantics) {
    double highest = hits.stream().mapToDouble(Hit::score).max().orElse(0);
    List<Hit> kept = new ArrayList<>(hits.size());
    for (Hit hit : hits) {
      double score =
          semantics.normalizedScores() && highest > 0 ? round(hit.score() / highest) : hit.score();
      if (score >= query.minScore()) {
        kept.add(new Hit(hit.item(), score));
      }
    }
    return kept;
  }

  /**
   * The hits of {@code undated}, matches of {@code query} without its days and sorted by {@code
   * createdAt} in {@code query}'s direction, that fall in {@code query}'s {@code dateFrom}/{@code
   * dateTo} as {@code semantics} reads them: a slice found by binary search, in the same order, no
   * copy.
   */
  public static List<Hit> withinDays(List<Hit> undated, MediaQuery query, Semantics semantics) {
    Days days = Days.of(query, semantics);
    Instant from = days.from();
    Instant to = days.to();
    int start = 0;
    int end = undated.size();
    if (query.ascending()) {
      start = from == null ? 0 : firstAtOrAfter(undated, from, true);
      end = to == null ? end : firstAtOrAfter(undated, to, true);
    } else {
      start = to == null ? 0 : firstAtOrAfter(undated, to, false);
      end = from == null ? end : firstAtOrAfter(undated, from, false);
    }
    return undated.subList(start, Math.max(start, end));
  }

  /**
   * In hits sorted by {@code createdAt} ({@code ascending} or not), the first index whose item is
   * at or after {@code instant} (ascending) or before it (descending).
   */
  private static int firstAtOrAfter(List<Hit> hits, Instant instant, boolean ascending) {
    int low = 0;
    int high = hits.size();
    while (low < high) {
      int middle = (low + high) >>> 1;
      Instant at = hits.get(middle).item().createdAt();
      // A null sorts as the largest value: last ascending, first descending.
      boolean past =
          at == null ? ascending : ascending ? !at.isBefore(instant) : at.isBefore(instant);
      if (past) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return low;
  }

  /**
   * The instants {@code [from, to)} that {@code dateFrom}/{@code dateTo} select as {@code
   * semantics} reads them: from the start of {@code dateFrom} in the day zone to the start of the
   * day after {@code dateTo} (of {@code dateTo} itself where it is exclusive); null for an open
   * end.
   */
  private record Days(Instant from, Instant to) {

    static Days of(MediaQuery query, Semantics semantics) {
      LocalDate end =
          query.dateTo() == null || semantics.exclusiveDateTo()
              ? query.dateTo()
              : query.dateTo().plusDays(1);
      return new Days(start(query.dateFrom(), semantics), start(end, semantics));
    }

    private static Instant start(LocalDate day, Semantics semantics) {
      return day == null ? null : day.atStartOfDay(semantics.dayZone()).toInstant();
    }

    boolean contain(Instant instant) {
      return (from == null || !instant.isBefore(from)) && (to == null || instant.isBefore(to));
    }
  }

  /** The page of {@code matches} that {@code query}'s {@code offset} and {@code limit} ask for. */
  public static Result page(List<Hit> matches, MediaQuery query, Semantics semantics) {
    int from = Math.min(query.offset(), matches.size());
    int to = (int) Math.min((long) from + query.limit(), matches.size());
    int total =
        (int) Math.min((long) matches.size() + semantics.totalExcess(), semantics.totalCap());
    // hasMore tells the truth where total is capped, as such services do; one that estimates its
    // total derives hasMore from that estimate.
    long end = (long) query.offset() + (to - from);
    boolean hasMore = semantics.totalExcess() > 0 ? end < total : end < matches.size();
    return new Result(List.copyOf(matches.subList(from, to)), matches.size(), total, hasMore);
  }

  /** Which items {@code query}'s {@code path} and {@code recursive} select. */
  private record Scope(MediaQuery query, String under, boolean reflexive) {

    Scope(MediaQuery query, Semantics semantics) {
      this(query, query.path() + ".", semantics.reflexiveSubtree());
    }

    boolean contains(MediaItem item) {
      if (query.scored()) {
        return !item.isFolder() && item.path().startsWith(under);
      }
      if (!query.recursive()) {
        return item.parentPath().equals(query.path());
      }
      return item.path().startsWith(under) || (reflexive && item.path().equals(query.path()));
    }
  }

  private static boolean matchesFilters(MediaItem item, MediaQuery query, Days days) {
    if (query.type() != null && !query.type().equals(item.type())) {
      return false;
    }
    if (!days.contain(item.createdAt())) {
      return false;
    }
    if (query.mediaId() != null && !query.mediaId().equals(item.id())) {
      return false;
    }
    if (query.clusterId() != null && !inCluster(item, query.clusterId())) {
      return false;
    }
    Map<String, List<String>> tags = item.tags();
    if (!query.tags().isEmpty()
        && tags.values().stream().flatMap(List::stream).noneMatch(query.tags()::contains)) {
      return false;
    }
    for (Map.Entry<String, List<String>> group : query.tagFilters().entrySet()) {
      List<String> values = tags.getOrDefault(group.getKey(), List.of());
      if (values.stream().noneMatch(group.getValue()::contains)) {
        return false;
      }
    }
    return true;
  }

  private static boolean inCluster(MediaItem item, String clusterId) {
    return objects(item).stream().anyMatch(object -> clusterId.equals(object.clusterId()));
  }

  private static List<DetectedObject> objects(MediaItem item) {
    List<DetectedObject> objects = new ArrayList<>();
    for (Frame frame : item.frames()) {
      objects.addAll(frame.objects());
    }
    return objects;
  }

  private static Comparator<Hit> browseOrder(MediaQuery query, Semantics semantics, long tieSalt) {
    Function<MediaItem, Comparable<?>> key =
        switch (query.sortBy()) {
          case "name" -> MediaItem::name;
          case "type" -> MediaItem::type;
          case "description" -> MediaItem::description;
          case "prompt" -> MediaItem::prompt;
          default -> MediaItem::createdAt;
        };
    Comparator<Comparable<?>> values =
        semantics.localeCollation() ? MediaSearch::collate : MediaSearch::compareValues;
    // PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC, i.e. null is the largest.
    Comparator<Comparable<?>> withNulls = Comparator.nullsLast(values);
    Comparator<Hit> order =
        Comparator.comparing(
            hit -> key.apply(hit.item()), query.ascending() ? withNulls : withNulls.reversed());
    return withTies(order, tieSalt);
  }

  /** Breaks ties by id, or, with a non-zero salt, by a hash of id and salt. */
  private static Comparator<Hit> withTies(Comparator<Hit> order, long tieSalt) {
    if (tieSalt != 0) {
      order = order.thenComparingLong(hit -> mix(hit.item().id().hashCode() ^ tieSalt));
    }
    return order.thenComparing(hit -> hit.item().id());
  }

  private static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    return x;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Comparable<?> a, Comparable<?> b) {
    if (a instanceof String x && b instanceof String y) {
      return compareCodePoints(x, y);
    }
    return ((Comparable) a).compareTo(b);
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  private static Comparator<Hit> scoredOrder(long tieSalt) {
    return withTies(Comparator.comparing(Hit::score, Comparator.reverseOrder()), tieSalt);
  }

  /**
   * A locale collation as databases use: letters compared without case, accents or punctuation
   * first ({@code "a'b"} sorts with {@code "ab"}, {@code "IMG"} after {@code "hero"}), then by code
   * point to break ties.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int collate(Comparable<?> a, Comparable<?> b) {
    if (a instanceof String x && b instanceof String y) {
      int primary = compareCodePoints(collationKey(x), collationKey(y));
      return primary != 0 ? primary : compareCodePoints(x, y);
    }
    return ((Comparable) a).compareTo(b);
  }

  private static String collationKey(String text) {
    String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD);
    return decomposed.replaceAll("[^\\p{L}\\p{N}]", "").toLowerCase(Locale.ROOT);
  }

  private interface Scorer {
    double score(MediaItem item);
  }

  private static Scorer scorer(MediaCollection collection, MediaQuery query) {
    if (query.similarToObjectId() != null) {
      DetectedObject anchor =
          collection
              .object(query.similarToObjectId())
              .orElseThrow(
                  () ->
                      ApiException.badRequest(
                          "similarToObjectId '"
                              + query.similarToObjectId()
                              + "' is not an object of this collection"));
      String model =
          query.similarToObjectModel() != null
              ? query.similarToObjectModel()
              : defaultModel(anchor.type());
      float[] target = anchor.embeddings().get(model);
      if (target == null) {
        throw ApiException.badRequest(
            "Object '" + anchor.id() + "' has no '" + model + "' embedding");
      }
      return item -> similarity(item, model, target);
    }
    List<String> words = words(query.q());
    return item -> textScore(item, words);
  }

  static String defaultModel(String objectType) {
    return switch (objectType) {
      case "face" -> "faces";
      case "shoeprint" -> "shoeprints";
      default -> "objects";
    };
  }

  private static double similarity(MediaItem item, String model, float[] target) {
    double best = 0;
    for (DetectedObject object : objects(item)) {
      float[] vector = object.embeddings().get(model);
      if (vector != null) {
        double dot = 0;
        for (int i = 0; i < target.length; i++) {
          dot += (double) target[i] * vector[i];
        }
        best = Math.max(best, dot);
      }
    }
    return round(best);
  }

  private static double textScore(MediaItem item, List<String> words) {
    if (words.isEmpty()) {
      return 0;
    }
    List<String> name = words(item.name());
    List<String> labels = new ArrayList<>();
    objects(item).forEach(object -> labels.addAll(words(object.label())));
    item.tags().values().forEach(values -> values.forEach(tag -> labels.addAll(words(tag))));
    List<String> prose = new ArrayList<>(words(item.description()));
    prose.addAll(words(item.prompt()));
    double sum = 0;
    for (String word : words) {
      sum +=
          name.contains(word) ? 1.0 : labels.contains(word) ? 0.9 : prose.contains(word) ? 0.7 : 0;
    }
    return round(sum / words.size());
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    if (text != null) {
      for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
        if (!word.isEmpty()) {
          words.add(word);
        }
      }
    }
    return words;
  }

  private static double round(double score) {
    return Math.round(score * 10_000) / 10_000.0;
  }
}
