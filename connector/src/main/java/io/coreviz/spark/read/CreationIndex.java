package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.planning.Counts;
import io.coreviz.spark.read.planning.CreatedAt;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Positions in a stream's creation order, found by single-item probes of the stream's query oldest
 * first: whether an offset holds an item, and how its {@code createdAt} compares with an instant,
 * do not depend on how the service orders equal times. The query starts the day before the
 * instant's UTC day ({@code dateFrom}), so under any reading of the API's days it holds every item
 * created after the instant, and few before it.
 */
final class CreationIndex {

  private final CoreVizClient client;
  private final MediaQuery query;

  CreationIndex(CoreVizClient client, MediaQuery query) {
    this.client = client;
    this.query = query.withSort(MediaQuery.Sort.OLDEST_FIRST);
  }

  /**
   * The end of a batch that starts at {@code from} and reads about {@code most} items: before the
   * instant of the item {@code most} places past {@code from}, so the items of one instant stay in
   * one batch; or that whole instant where more than {@code most} items share it. Null where at
   * most {@code most} items follow {@code from}.
   */
  CreationOffset bound(CreationOffset from, long most) {
    MediaQuery after = after(from);
    if (at(after, most) == null) {
      return null;
    }
    Position first = firstAfter(after, from.createdAt());
    InternalRow limit = at(after, first.offset() + most);
    if (limit == null) {
      return null;
    }
    long instant = limit.getLong(0);
    if (first.item() != null && first.item().getLong(0) < instant) {
      return CreationOffset.before(instant);
    }
    return new CreationOffset(instant, idsAt(after, first.offset(), instant));
  }

  /** How many items follow {@code consumed}: counted, not taken from the service's total. */
  long behind(CreationOffset consumed) {
    MediaQuery after = after(consumed);
    long all = Counts.of(client, after.request()).items();
    return Math.max(0, all - firstAfter(after, consumed.createdAt()).offset());
  }

  /** The query from the day before {@code from}'s UTC day on (all of it before the first item). */
  private MediaQuery after(CreationOffset from) {
    if (from.createdAt() == Long.MIN_VALUE) {
      return query;
    }
    LocalDate day =
        LocalDate.ofInstant(Instant.EPOCH.plus(from.createdAt(), ChronoUnit.MICROS), ZoneOffset.UTC)
            .minusDays(1);
    if (query.dateFrom() != null && query.dateFrom().isAfter(day)) {
      return query;
    }
    return query.withDates(day, query.dateTo());
  }

  /** An offset of the stream's query and its item ({@code createdAt}, {@code id}), or null. */
  private record Position(long offset, InternalRow item) {}

  /**
   * The first offset of {@code after} whose item was created after {@code micros}, and its item.
   */
  private Position firstAfter(MediaQuery after, long micros) {
    if (micros == Long.MIN_VALUE) {
      return new Position(0, at(after, 0));
    }
    long below = -1; // an offset known to hold an item created at or before micros
    long above = 0; // an offset known to be past them
    InternalRow aboveItem;
    for (long step = 1; ; step *= 2) {
      aboveItem = at(after, above);
      if (aboveItem == null || aboveItem.getLong(0) > micros) {
        break;
      }
      below = above;
      above = above + step;
    }
    while (above - below > 1) {
      long middle = below + (above - below) / 2;
      InternalRow item = at(after, middle);
      if (item == null || item.getLong(0) > micros) {
        above = middle;
        aboveItem = item;
      } else {
        below = middle;
      }
    }
    return new Position(above, aboveItem);
  }

  /** The ids created at {@code instant}, read from offset {@code from} on. */
  private TreeSet<String> idsAt(MediaQuery after, long from, long instant) {
    TreeSet<String> ids = new TreeSet<>();
    for (long offset = from; ; ) {
      MediaPage<InternalRow> page = client.fetch(after.page(offset, 100), CreatedAt.WITH_ID);
      List<InternalRow> items = page.items();
      for (InternalRow item : items) {
        if (item.getLong(0) == instant) {
          ids.add(item.getUTF8String(1).toString());
        } else if (item.getLong(0) > instant) {
          return ids;
        }
      }
      if (items.isEmpty()) {
        return ids;
      }
      offset += items.size();
    }
  }

  /** The item at {@code offset} ({@code createdAt}, {@code id}), or null past the end. */
  private InternalRow at(MediaQuery after, long offset) {
    List<InternalRow> items = client.fetch(after.page(offset, 1), CreatedAt.WITH_ID).items();
    if (items.isEmpty()) {
      return null;
    }
    if (items.get(0).isNullAt(0)) {
      throw new DataException(
          "CoreViz sent an item without createdAt for GET "
              + after.page(offset, 1).pathAndQuery()
              + "; a stream places items by creation time");
    }
    return items.get(0);
  }
}
