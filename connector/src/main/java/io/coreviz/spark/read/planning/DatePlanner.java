package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.MediaRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.catalyst.InternalRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code partitionBy=date}: contiguous windows of the server's {@code createdAt} days ({@code
 * dateFrom}/{@code dateTo}), each read to its end.
 *
 * <p>The API page does not say in which zone days are counted, nor how strictly "inclusive" is
 * implemented, so no window is trusted to mean a UTC day. What makes the plan exact is that the
 * windows partition the day line whatever it is: the first has no {@code dateFrom} and the last no
 * {@code dateTo} (beyond the scan's own), each starts the day after the previous one ends, and
 * every split probes all its windows and checks that they add up to the whole. Any zone passes that
 * check; a server whose {@code dateTo} excludes its day, or whose counts are capped, fails it, and
 * the read is then planned by creation-time cuts ({@link Sizing#cuts}), which use no day filter at
 * all, with a note in the log and {@code explain()}.
 *
 * <p>Windows are split into about one window per unit (a partition's share of its task's concurrent
 * requests) at a time, no more than the driver sends at once, until each holds at most half a
 * partition; a single day larger than a quarter of a partition is cut by creation time. The windows
 * are then balanced over the partitions. Planning costs about one request per unit, never one per
 * item, and on most collections two rounds of probes.
 *
 * <p>With {@code reusePlans}, the driver keeps the windows of its last plans: a later plan of the
 * same read counts them, and checks the total they held, in its first round beside the oldest and
 * newest items, and so plans in one round where the collection changed little. Such windows still
 * partition the day line and are checked like fresh ones; one grown too large is split again.
 */
final class DatePlanner implements PartitionPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(DatePlanner.class);

  /** What a plan is for: the same read, on the same service, planned the same way. */
  private record Key(String endpoint, MediaQuery query, Sizing sizing, int parallelism) {}

  /** The windows of a read's last plan, in window order, and the total they held. */
  private record Hint(List<Window> windows, long total) {}

  /** The hints of the last reads planned in this JVM (the driver's), most recent kept. */
  private static final Map<Key, Hint> HINTS =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Hint> eldest) {
              return size() > 256;
            }
          });

  private final Sizing sizing;
  private final OffsetPlanner fallback;
  private final boolean reusePlans;

  DatePlanner(Sizing sizing, boolean reusePlans) {
    this.sizing = sizing;
    this.fallback = new OffsetPlanner(sizing);
    this.reusePlans = reusePlans;
  }

  /** The windows do not add up: the server's day filters cannot be used to split this read. */
  private static final class Mismatch extends RuntimeException {
    Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
    Key key = reusePlans ? new Key(client.endpoint(), query, sizing, parallelism) : null;
    Hint hint = key == null ? null : HINTS.get(key);
    if (hint != null && hint.windows().size() > sizing.probesPerRound(3)) {
      hint = null; // its windows and this round's three probes would not go out at once
    }
    // The days of the oldest and newest items bound the windows. A scored query is ranked by
    // relevance, not by time: its days are those of the same filters browsed, and its own first
    // page is the one whose total is checked.
    MediaQuery bounds = query.scored() ? query.browsed() : query;
    MediaQuery oldestFirst = bounds.withSort(MediaQuery.Sort.OLDEST_FIRST);
    CompletableFuture<MediaPage<InternalRow>> newest =
        client.fetchAsync(
            bounds.withSort(MediaQuery.Sort.NEWEST_FIRST).page(0, 1), CreatedAt.READER);
    CompletableFuture<MediaPage<InternalRow>> oldestPage =
        client.fetchAsync(oldestFirst.page(0, 1), CreatedAt.READER);
    MediaRequest counted = query.scored() ? query.request() : oldestFirst.request();
    CompletableFuture<MediaPage<InternalRow>> countedPage =
        query.scored() ? client.fetchAsync(counted.page(0, 1), CreatedAt.READER) : oldestPage;
    // With a hint, the last plan's windows are counted, and its total checked, in this first round.
    List<CompletableFuture<Long>> hinted = new ArrayList<>();
    Counts.Ending ending = null;
    if (hint != null) {
      hint.windows().forEach(window -> hinted.add(count(client, query, window)));
      ending = Counts.ending(client, counted, hint.total());
    }
    try {
      Plan plan =
          plan(
              client,
              query,
              parallelism,
              Sizing.join(oldestPage),
              newest,
              counted,
              Sizing.join(countedPage),
              hint,
              hinted,
              ending);
      if (key != null && plan.notes().isEmpty()) {
        List<Window> windows = windows(plan.bins());
        if (!windows.isEmpty()) {
          HINTS.put(key, new Hint(windows, plan.bins().stream().mapToLong(Bin::weight).sum()));
        }
      }
      return plan;
    } finally {
      // No request of a plan outlives its planning, used or not, nor a failed one's.
      List<CompletableFuture<?>> sent = new ArrayList<>(hinted);
      sent.add(newest);
      sent.add(oldestPage);
      sent.add(countedPage);
      if (ending != null) {
        sent.add(ending.page());
      }
      sent.forEach(Sizing::settled);
    }
  }

  private Plan plan(
      CoreVizClient client,
      MediaQuery query,
      int parallelism,
      MediaPage<InternalRow> oldest,
      CompletableFuture<MediaPage<InternalRow>> newest,
      MediaRequest counted,
      MediaPage<InternalRow> countedPage,
      Hint hint,
      List<CompletableFuture<Long>> hinted,
      Counts.Ending ending) {
    LocalDate first = day(oldest);
    LocalDate last = day(Sizing.join(newest));
    Window whole = new Window(query.dateFrom(), query.dateTo());
    // The windows of the reported total are probed while the total is checked: where the check
    // confirms it (the usual case), planning saves that round trip; where not, they are dropped.
    // With a hint, they were probed beside the total: another round trip saved.
    long reported = countedPage.pagination().total();
    CompletableFuture<List<Bin>> early = null;
    if (first != null && last != null && reported > 0) {
      Sizing.Units units = units(reported, parallelism);
      early =
          hint == null
              ? split(client, query, whole, first, last, reported, units)
              : settle(client, query, whole, reported, pieces(hint, hinted, first, last), units);
    }
    Counts.Count count;
    try {
      count = Counts.check(client, counted, countedPage, ending);
    } catch (RuntimeException e) {
      Sizing.settled(early); // no request of a plan outlives it, failed or not
      throw e;
    }
    if (!count.exact()) {
      Sizing.settled(early); // probed for a total that did not hold: dropped
      early = null;
    }
    List<String> notes = new ArrayList<>();
    if (!count.exact()) {
      notes.add(count.note());
    }
    long total = count.items();
    if (total == 0) {
      return new Plan(List.of(), notes);
    }
    if (first == null || last == null) {
      if (query.scored()) {
        notes.add("items without createdAt: read as one");
        return new Plan(List.of(Sizing.whole(query, total)), notes);
      }
      notes.add("items without createdAt: planned by offset");
      List<Bin> ranges = fallback.split(query, total, parallelism);
      return new Plan(Sizing.join(Sizing.anchored(client, ranges)), notes);
    }
    int partitions = sizing.partitions(total, parallelism);
    Sizing.Units units = sizing.units(total, partitions);
    List<Bin> bins;
    try {
      bins =
          Sizing.join(
              early != null ? early : split(client, query, whole, first, last, total, units));
    } catch (Mismatch e) {
      // A scored read cannot be cut by creation time: it is read as one, in relevance order.
      String note =
          e.getMessage()
              + ": the server's dateFrom/dateTo do not split this read exactly, so it is "
              + (query.scored() ? "read as one" : "planned by creation-time cuts instead");
      LOG.warn("CoreViz scan of {}: {}", query.request().path(), note);
      notes.add(note);
      bins =
          query.scored()
              ? List.of(Sizing.whole(query, total))
              : Sizing.join(sizing.cuts(client, query, total, units));
    }
    return new Plan(Packing.balance(bins, partitions), notes);
  }

  private Sizing.Units units(long total, int parallelism) {
    return sizing.units(total, sizing.partitions(total, parallelism));
  }

  /**
   * A window of the server's days, {@code [from, to]} as {@code dateFrom}/{@code dateTo}; an open
   * end (null) is the scan's own bound, if it has one, which the request already carries.
   */
  private record Window(LocalDate from, LocalDate to) {

    boolean empty() {
      return from != null && to != null && from.isAfter(to);
    }

    MediaQuery of(MediaQuery query) {
      return query.withDates(from, to);
    }

    @Override
    public String toString() {
      return "[" + (from == null ? "…" : from) + ", " + (to == null ? "…" : to) + "]";
    }
  }

  /**
   * A window of a split, the UTC days its items lie in about ({@code [first, last]}), and its count
   * on the way.
   */
  private record Piece(
      Window window, LocalDate first, LocalDate last, CompletableFuture<Long> count) {}

  /**
   * Splits {@code window}, which holds {@code count} items whose UTC days lie in about {@code [a,
   * b]}, into windows of at most twice {@code units.max()} (days cut into units of at most {@code
   * units.max()}), in window order: into windows of about {@code units.target()} at once, all
   * counted at once, and each window still too large split the same way (a single day by creation
   * time), at once. Planning waits for the longest chain of probes (two or three on most
   * collections), not their sum. Fails with {@link Mismatch} where the windows do not add up.
   */
  private CompletableFuture<List<Bin>> split(
      CoreVizClient client,
      MediaQuery query,
      Window window,
      LocalDate a,
      LocalDate b,
      long count,
      Sizing.Units units) {
    if (count == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    if (!a.isBefore(b)) {
      // One day: by creation time; a scored read's day is read as one, in relevance order.
      return query.scored()
          ? CompletableFuture.completedFuture(List.of(Sizing.whole(window.of(query), count)))
          : sizing.cuts(client, window.of(query), count, units);
    }
    if (count <= 2 * units.max()) {
      // A counted window is read with all of its task's requests (ahead of its walk), so one of
      // up to half a partition needs no further split, which would cost another round of probes.
      return CompletableFuture.completedFuture(List.of(Sizing.whole(window.of(query), count)));
    }
    long days = ChronoUnit.DAYS.between(a, b) + 1;
    // No more windows than the driver sends at once beside the count check: a second batch costs
    // the round trip that a finer split saves.
    int pieces =
        (int)
            Math.min(
                Math.min(days, Math.max(2, Sizing.ceilDiv(count, units.target()))),
                sizing.probesPerRound(1));
    List<Piece> split = new ArrayList<>();
    LocalDate first = a;
    for (int i = 0; i < pieces; i++) {
      LocalDate last = i + 1 == pieces ? b : a.plusDays((i + 1) * days / pieces - 1);
      Window piece =
          new Window(i == 0 ? window.from() : first, i + 1 == pieces ? window.to() : last);
      split.add(new Piece(piece, first, last, count(client, query, piece)));
      first = last.plusDays(1);
    }
    return settle(client, query, window, count, split, units);
  }

  /**
   * The bins of {@code window}, which holds {@code count} items, split into {@code split} (counts
   * on the way): each piece split further where still too large, at once. Fails with {@link
   * Mismatch} where the pieces do not add up.
   */
  private CompletableFuture<List<Bin>> settle(
      CoreVizClient client,
      MediaQuery query,
      Window window,
      long count,
      List<Piece> split,
      Sizing.Units units) {
    int pieces = split.size();
    return CompletableFuture.allOf(
            split.stream().map(Piece::count).toArray(CompletableFuture<?>[]::new))
        .thenCompose(
            done -> {
              long sum = split.stream().mapToLong(piece -> piece.count().join()).sum();
              if (sum != count) {
                throw new Mismatch(
                    "the "
                        + pieces
                        + " date windows from "
                        + split.get(0).window()
                        + " to "
                        + split.get(pieces - 1).window()
                        + " hold "
                        + sum
                        + " items, but "
                        + window
                        + " holds "
                        + count);
              }
              List<CompletableFuture<List<Bin>>> parts = new ArrayList<>();
              for (Piece piece : split) {
                parts.add(
                    split(
                        client,
                        query,
                        piece.window(),
                        piece.first(),
                        piece.last(),
                        piece.count().join(),
                        units));
              }
              return Sizing.all(parts);
            });
  }

  /**
   * A hint's windows as pieces of a split of the whole read, counts on the way, each with the UTC
   * days its items lie in about: its own days, within those of the oldest and newest items.
   */
  private static List<Piece> pieces(
      Hint hint, List<CompletableFuture<Long>> counts, LocalDate first, LocalDate last) {
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < counts.size(); i++) {
      Window window = hint.windows().get(i);
      LocalDate from =
          window.from() == null || window.from().isBefore(first) ? first : window.from();
      LocalDate to = window.to() == null || window.to().isAfter(last) ? last : window.to();
      pieces.add(new Piece(window, from, to, counts.get(i)));
    }
    return pieces;
  }

  /**
   * The windows of a plan's bins, in day order (they partition the day line, so each starts where
   * another ends): what the next plan of the read may count.
   */
  private static List<Window> windows(List<Bin> bins) {
    return bins.stream()
        .flatMap(bin -> bin.segments().stream())
        .map(segment -> new Window(segment.query().dateFrom(), segment.query().dateTo()))
        .distinct()
        .sorted(
            Comparator.comparing(
                Window::from, Comparator.nullsFirst(Comparator.<LocalDate>naturalOrder())))
        .toList();
  }

  private static CompletableFuture<Long> count(
      CoreVizClient client, MediaQuery query, Window window) {
    return window.empty()
        ? CompletableFuture.completedFuture(0L)
        : Sizing.total(client, window.of(query));
  }

  private static LocalDate day(MediaPage<InternalRow> page) {
    if (page.items().isEmpty() || page.items().get(0).isNullAt(0)) {
      return null;
    }
    long micros = page.items().get(0).getLong(0);
    return LocalDate.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  @Override
  public String toString() {
    return "date";
  }
}
