package io.coreviz.spark.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.client.Pagination;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * An {@link AnchoredCursor} against a list that changes between its requests, as a server's results
 * do mid-scan: rows hold an id (slot 0) and a creation time (slot 1), sorted by time.
 */
class AnchoredCursorTest {

  private static final MediaQuery QUERY =
      MediaQuery.of("c0ffee00c0ffee00c0ffee00c0ffee00").withSort(MediaQuery.Sort.OLDEST_FIRST);

  private static InternalRow item(int key) {
    return new GenericInternalRow(new Object[] {UTF8String.fromString("id" + key), (long) key});
  }

  /** Items with keys 0, 10, 20, … ({@code count} of them). */
  private static List<InternalRow> items(int count) {
    List<InternalRow> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      items.add(item(10 * i));
    }
    return items;
  }

  /**
   * Walks {@code cursor} over {@code server}, running {@code change} on it before each request;
   * returns the ids emitted.
   */
  private static List<String> walk(
      AnchoredCursor cursor, List<InternalRow> server, Consumer<List<InternalRow>> change) {
    List<String> ids = new ArrayList<>();
    for (int requests = 0; requests < 100; requests++) {
      MediaRequest request = cursor.next();
      if (request == null) {
        return ids;
      }
      change.accept(server);
      int offset = Integer.parseInt(request.params().get("offset"));
      int limit = Integer.parseInt(request.params().get("limit"));
      int from = Math.min(offset, server.size());
      int to = Math.min(from + limit, server.size());
      MediaPage<InternalRow> page =
          new MediaPage<>(
              List.copyOf(server.subList(from, to)),
              new Pagination(server.size(), limit, offset, to < server.size()));
      cursor.accept(page).forEach(row -> ids.add(row.getUTF8String(0).toString()));
    }
    throw new AssertionError("the walk did not end");
  }

  private static AnchoredCursor cut(long offsetHint, Long floor, Long ceiling) {
    return new AnchoredCursor(
        Segment.keyed(QUERY, offsetHint, floor, ceiling),
        5,
        0,
        SortKey.createdAt(1, true),
        row -> true);
  }

  @Test
  void aLastCutWhoseOffsetsMovedPastTheEndStepsBackAndReadsItsItems() {
    // Planned on 24 items: the last cut starts at offset 22 (key 220). Before its first request
    // three earlier items are deleted, so offset 21 (the item before the cut) and on are empty.
    List<InternalRow> server = new ArrayList<>(items(24));
    boolean[] deleted = {false};
    AnchoredCursor cursor = cut(22, 220L, null);

    List<String> read =
        walk(
            cursor,
            server,
            list -> {
              if (!deleted[0]) {
                deleted[0] = true;
                list.subList(3, 6).clear();
              }
            });

    assertThat(read).containsExactly("id220", "id230");
    assertThat(cursor.realigned()).isPositive();
  }

  @Test
  void aWalkWhoseOverlapItemAndEverythingAfterWasDeletedStepsBack() {
    // A whole segment read in pages of 5; after the first page, eight items from the start are
    // deleted, so the next page (from offset 3, the item before the walk's group) comes back empty.
    List<InternalRow> server = new ArrayList<>(items(11));
    int[] requests = {0};
    AnchoredCursor cursor = cut(0, null, null);

    List<String> read =
        walk(
            cursor,
            server,
            list -> {
              if (requests[0]++ == 1) {
                list.subList(0, 8).clear(); // ids 0..70, the first page's five among them
              }
            });

    assertThat(read)
        .containsExactly("id0", "id10", "id20", "id30", "id40", "id80", "id90", "id100");
  }
}
