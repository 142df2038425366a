package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.read.planning.Counts;
import io.coreviz.spark.read.planning.CreatedAt;
import io.coreviz.spark.read.planning.ScoreCheck;
import io.coreviz.spark.read.planning.Segment;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Narrower slices of a scored segment in which more items share one {@code _score} than the server
 * returns in one page, on filters that do not change a score: its days halved while it spans more
 * than one, then its two types, then its child folders. Each narrowing is checked: the slices'
 * counts must add up to the segment's (a day filter of another reading, a folder that holds items
 * of its own, could lose some). None where the segment is already the narrowest: one day, one type,
 * one folder level. Sends its probes and waits for them, on the task's thread.
 */
final class Narrowing {

  /** {@code path} alone, in column 0. */
  private static final MediaRowReader PATHS =
      new MediaRowReader(new StructType(new StructField[] {MediaSchema.SCHEMA.apply("path")}));

  private Narrowing() {}

  /** Slices that together hold exactly a segment's items, or why there are none. */
  record Slices(List<Segment> segments, String none) {}

  /** The slices that together hold exactly {@code segment}'s items, or why there are none. */
  static Slices of(CoreVizClient client, Segment segment) {
    MediaQuery query = segment.query();
    long count = total(client, query);
    List<MediaQuery> slices = byDays(client, query);
    if (slices.isEmpty() && query.type() == null) {
      slices = List.of(query.withType("image"), query.withType("video"));
    }
    if (slices.isEmpty()) {
      slices = byFolders(client, query);
    }
    if (slices.isEmpty()) {
      return new Slices(
          List.of(),
          "it lies on one day and in one type already, in a folder that cannot be split into"
              + " subfolders (fewer than two, or images or videos of its own beside them)");
    }
    List<Segment> narrower = new ArrayList<>();
    long sum = 0;
    for (MediaQuery slice : slices) {
      long items = total(client, slice);
      sum += items;
      narrower.add(Segment.all(slice).expecting(items));
    }
    if (sum != count) {
      return new Slices(
          List.of(), "narrower slices of it hold " + sum + " items where it holds " + count);
    }
    String differs = ScoreCheck.differs(client, query, slices);
    if (differs != null) {
      return new Slices(List.of(), "narrower slices of it score otherwise: " + differs);
    }
    return new Slices(narrower, null);
  }

  /** Its window of the service's days in two, where its items lie on more than one UTC day. */
  private static List<MediaQuery> byDays(CoreVizClient client, MediaQuery query) {
    MediaQuery browsed = query.browsed();
    LocalDate first = day(client, browsed.withSort(MediaQuery.Sort.OLDEST_FIRST));
    LocalDate last = day(client, browsed.withSort(MediaQuery.Sort.NEWEST_FIRST));
    if (first == null || last == null || !first.isBefore(last)) {
      return List.of();
    }
    LocalDate middle = first.plusDays(ChronoUnit.DAYS.between(first, last) / 2);
    return List.of(
        query.withDates(query.dateFrom(), middle),
        query.withDates(middle.plusDays(1), query.dateTo()));
  }

  /**
   * The subtrees of its place's child folders, where the place holds no image or video of its own
   * (a scored query cannot select those apart from the subtrees).
   */
  private static List<MediaQuery> byFolders(CoreVizClient client, MediaQuery query) {
    String path = query.listedPath();
    MediaQuery level = query.browsed().withPath(path, false);
    if (total(client, level.withType("image")) > 0 || total(client, level.withType("video")) > 0) {
      return List.of();
    }
    List<MediaQuery> slices = new ArrayList<>();
    // The folders themselves, whatever the search's other filters (days, tags) say of them.
    MediaQuery folders =
        MediaQuery.of(query.collectionId())
            .withPath(path, false)
            .withType("folder")
            .withSort(new MediaQuery.Sort("name", true));
    for (int offset = 0; ; ) {
      MediaPage<InternalRow> page = client.fetch(folders.page(offset, 100), PATHS);
      for (InternalRow row : page.items()) {
        slices.add(query.withPath(row.getUTF8String(0).toString(), true));
      }
      offset += page.items().size();
      if (page.items().isEmpty() || page.pagination().saysNoMore()) {
        break;
      }
    }
    return slices.size() < 2 ? List.of() : slices;
  }

  /** A checked count: a total the service reports is not taken on trust. */
  private static long total(CoreVizClient client, MediaQuery query) {
    return Counts.of(client, query.request()).items();
  }

  /** The UTC day of the first item of {@code query}, or null. */
  private static LocalDate day(CoreVizClient client, MediaQuery query) {
    MediaPage<InternalRow> page = client.fetch(query.page(0, 1), CreatedAt.WITH_ID);
    if (page.items().isEmpty() || page.items().get(0).isNullAt(0)) {
      return null;
    }
    long micros = page.items().get(0).getLong(0);
    return LocalDate.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
