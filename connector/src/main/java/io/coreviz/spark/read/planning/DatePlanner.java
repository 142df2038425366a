package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
 * every split probes both halves and checks that they add up to the whole. Any zone passes that
 * check; a server whose {@code dateTo} excludes its day, or whose counts are capped, fails it, and
 * the read is then planned by creation-time cuts ({@link Sizing#cuts}), which use no day filter at
 * all, with a note in the log and {@code explain()}.
 *
 * <p>Windows are halved until each holds at most a quarter of a partition; a single day larger than
 * that is cut by creation time. The windows are then balanced over the partitions. Planning costs a
 * few requests per partition, never one per item.
 */
final class DatePlanner implements PartitionPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(DatePlanner.class);

  private final Sizing sizing;
  private final OffsetPlanner fallback;

  DatePlanner(Sizing sizing) {
    this.sizing = sizing;
    this.fallback = new OffsetPlanner(sizing);
  }

  /** The windows do not add up: the server's day filters cannot be used to split this read. */
  private static final class Mismatch extends RuntimeException {
    Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
    MediaQuery oldestFirst = query.withSort(MediaQuery.Sort.OLDEST_FIRST);
    CompletableFuture<MediaPage<InternalRow>> newest =
        client.fetchAsync(
            query.withSort(MediaQuery.Sort.NEWEST_FIRST).page(0, 1), CreatedAt.READER);
    MediaPage<InternalRow> oldest = client.fetch(oldestFirst.page(0, 1), CreatedAt.READER);
    Counts.Count count = Counts.check(client, oldestFirst.request(), oldest);
    List<String> notes = new ArrayList<>();
    if (!count.exact()) {
      notes.add(count.note());
    }
    long total = count.items();
    // Awaited even when unused: no request of a plan outlives its planning.
    LocalDate last = day(Sizing.join(newest));
    if (total == 0) {
      return new Plan(List.of(), notes);
    }
    LocalDate first = day(oldest);
    if (first == null || last == null) {
      notes.add("items without createdAt: planned by offset");
      List<Bin> ranges = fallback.split(query, total, parallelism);
      return new Plan(Sizing.join(Sizing.anchored(client, ranges)), notes);
    }
    int partitions = sizing.partitions(total, parallelism);
    long unitMax = sizing.unitMax(total, partitions);
    Window whole = new Window(query.dateFrom(), query.dateTo());
    List<Bin> units;
    try {
      units = Sizing.join(split(client, query, whole, first, last, total, unitMax));
    } catch (Mismatch e) {
      String note =
          e.getMessage()
              + ": the server's dateFrom/dateTo do not split this read exactly, so it is planned"
              + " by creation-time cuts instead";
      LOG.warn("CoreViz scan of {}: {}", query.request().path(), note);
      notes.add(note);
      units = Sizing.join(sizing.cuts(client, query, total, unitMax));
    }
    return new Plan(Packing.balance(units, partitions), notes);
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
   * Splits {@code window}, which holds {@code count} items whose UTC days lie in about {@code [a,
   * b]}, into units of at most {@code unitMax}, in window order. Both halves of a split are probed
   * at once and split further at once: planning waits for the longest chain of probes, not their
   * sum. Fails with {@link Mismatch} where halves do not add up.
   */
  private CompletableFuture<List<Bin>> split(
      CoreVizClient client,
      MediaQuery query,
      Window window,
      LocalDate a,
      LocalDate b,
      long count,
      long unitMax) {
    if (count == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    if (count <= unitMax || !a.isBefore(b)) {
      return sizing.cuts(client, window.of(query), count, unitMax);
    }
    LocalDate middle = a.plusDays(ChronoUnit.DAYS.between(a, b) / 2);
    Window left = new Window(window.from(), middle);
    Window right = new Window(middle.plusDays(1), window.to());
    CompletableFuture<Long> leftCount = count(client, query, left);
    CompletableFuture<Long> rightCount = count(client, query, right);
    return leftCount
        .thenCombine(
            rightCount,
            (l, r) -> {
              if (l + r != count) {
                throw new Mismatch(
                    "date windows "
                        + left
                        + " and "
                        + right
                        + " hold "
                        + l
                        + " + "
                        + r
                        + " items, but "
                        + window
                        + " holds "
                        + count);
              }
              return new long[] {l, r};
            })
        .thenCompose(
            counts ->
                split(client, query, left, a, middle, counts[0], unitMax)
                    .thenCombine(
                        split(client, query, right, middle.plusDays(1), b, counts[1], unitMax),
                        (l, r) -> {
                          List<Bin> both = new ArrayList<>(l);
                          both.addAll(r);
                          return both;
                        }));
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
