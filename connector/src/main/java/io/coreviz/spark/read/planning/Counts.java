package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import java.util.concurrent.CompletableFuture;

/**
 * How many items a query matches, checked rather than taken on trust. The API page does not promise
 * that {@code pagination.total} is exact, and services cap or estimate it. One extra request checks
 * it: the item at {@code total - 1} exists and nothing follows it. Where that fails, the end of the
 * results is found by probing offsets (doubling, then bisecting: about 2·log₂ n requests), which
 * needs no order to be stable: whether an offset holds an item does not depend on the tie order.
 */
public final class Counts {

  /**
   * A checked count.
   *
   * @param items the number of items the query matches
   * @param reported what the server reported as {@code pagination.total}
   */
  public record Count(long items, long reported) {

    /** True when the server's {@code total} was right. */
    public boolean exact() {
      return items == reported;
    }

    /** Says what was found, for logs and {@code explain()}, when the total was not exact. */
    public String note() {
      return "pagination.total said "
          + reported
          + " but the results end after "
          + items
          + " items (found by probing offsets): counts are checked, reads go to the last page";
    }
  }

  private Counts() {}

  /** The checked count of {@code request}'s results. */
  public static Count of(CoreVizClient client, MediaRequest request) {
    return check(client, request, probe(client, request, 0, 1));
  }

  /**
   * The checked count of {@code request}'s results, given its first page with {@code limit=1} (read
   * with any item reader), which the caller may need for more than the count.
   */
  public static Count check(CoreVizClient client, MediaRequest request, MediaPage<?> first) {
    return check(client, request, first, null);
  }

  /**
   * The probe that checks a total of {@code total}, sent before the total is known (where a
   * previous plan suggests it): {@link #check} takes its answer where the server reports that
   * total.
   */
  record Ending(long total, CompletableFuture<MediaPage<Boolean>> page) {}

  /** Sends the probe that checks a total of {@code total} ({@code total > 0}). */
  static Ending ending(CoreVizClient client, MediaRequest request, long total) {
    return new Ending(total, client.fetchAsync(request.page(total - 1, 2), ItemReader.EXISTS));
  }

  /**
   * {@link #check(CoreVizClient, MediaRequest, MediaPage)}, with the checking probe already sent
   * for a guessed total ({@code guess}, or null): it saves a round trip where the guess was right.
   */
  static Count check(CoreVizClient client, MediaRequest request, MediaPage<?> first, Ending guess) {
    long reported = first.pagination().total();
    if (reported == 0) {
      if (first.items().isEmpty()) {
        return new Count(0, 0);
      }
      return search(client, request, 0, -1, reported);
    }
    MediaPage<Boolean> last =
        guess != null && guess.total() == reported
            ? Sizing.join(guess.page())
            : probe(client, request, reported - 1, 2);
    int size = last.items().size();
    if (size == 1 && !last.pagination().saysMore()) {
      return new Count(reported, reported);
    }
    if (size == 0) {
      // Fewer items than reported: the end lies in (0, reported - 1].
      long known = first.items().isEmpty() ? -1 : 0;
      return search(client, request, known, reported - 1, reported);
    }
    return search(client, request, reported - 2 + size, -1, reported);
  }

  /**
   * Finds the first empty offset above {@code hasItem} (an offset known to hold an item, or -1),
   * below {@code empty} (an offset known to be empty, or -1 when none is known yet).
   */
  private static Count search(
      CoreVizClient client, MediaRequest request, long hasItem, long empty, long reported) {
    long step = Math.max(1, hasItem + 1);
    while (empty < 0) {
      long offset = hasItem + step;
      if (probe(client, request, offset, 1).items().isEmpty()) {
        empty = offset;
      } else {
        hasItem = offset;
        step *= 2;
      }
    }
    while (empty - hasItem > 1) {
      long middle = hasItem + (empty - hasItem) / 2;
      if (probe(client, request, middle, 1).items().isEmpty()) {
        empty = middle;
      } else {
        hasItem = middle;
      }
    }
    return new Count(empty, reported);
  }

  private static MediaPage<Boolean> probe(
      CoreVizClient client, MediaRequest request, long offset, int limit) {
    return client.fetch(request.page(offset, limit), ItemReader.EXISTS);
  }
}
