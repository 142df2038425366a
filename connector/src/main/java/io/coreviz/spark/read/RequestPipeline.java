package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.client.Pagination;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.CoreVizException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.read.MediaPartitionReader.RowCheck;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The requests of one partition: each segment walked page by page by its {@link Cursor}, with up to
 * {@code concurrency} requests in flight at once:
 *
 * <ul>
 *   <li>each segment's next request goes out as soon as its page arrives, on the client's thread,
 *       without waiting for Spark to consume the pages before it;
 *   <li>segments are started until {@code concurrency} are being read;
 *   <li>requests left over go ahead of a segment's walk ({@link Cursor#ahead}): the pages that
 *       follow if each comes back as planned. A walk takes pages in its own order and uses one sent
 *       ahead only where it then asks for that request, or for a part of it (a full answer is then
 *       cut to that part: a sorted walk asks from further back after a run of tied keys, and its
 *       pages ahead start a few items early to cover that); the others are dropped. So a
 *       partition's last segments, or one long segment, are read with all of the task's requests.
 * </ul>
 *
 * A dropped request still counts against the task's requests until it is back, and the partition
 * ends only then: no request outlives its task.
 *
 * <p>A scored segment in which more items share one {@code _score} than a page holds is replaced by
 * narrower slices of it ({@link Narrowing}), read like the others; rows it gave before are given
 * again by them, and the reader drops repeated ids. Where it cannot be narrowed, the task fails.
 *
 * <p>It holds at most {@code 2 × concurrency} pages: those in flight or arrived out of turn, at
 * most {@code concurrency}, and those waiting for Spark; when Spark falls behind, nothing more is
 * sent until it takes a page. Nothing is sent before the first {@link #take()}. Pages come out in
 * the order they arrive, each segment's in its order. All state is guarded by one lock: the
 * client's threads advance the walks as answers arrive, the task's thread takes pages.
 */
final class RequestPipeline {

  /** A page's rows for Spark and the check its segment's rows go through. */
  record Page(MediaRequest request, List<InternalRow> rows, RowCheck check) {}

  private final CoreVizClient client;
  private final int pageSize;
  private final int concurrency;
  private final MediaPartition partition;
  private final MediaRowReader rows;
  private final int width;
  private final Supplier<RowCheck> checks;
  private final ReadTally tally = new ReadTally();
  private final BlockingQueue<Arrival> arrived = new LinkedBlockingQueue<>();

  private final Object lock = new Object();
  private final List<Walk> active = new ArrayList<>();

  /** Slices of segments that could not be walked exactly, to walk before the partition's next. */
  private final Deque<Segment> narrowed = new ArrayDeque<>();

  /** Requests sent ahead and dropped, still out: the pipeline ends only once they are back. */
  private final Set<Request> draining = new HashSet<>();

  private boolean started;
  private boolean closed;
  private int nextSegment;
  private int outstanding;
  private int waiting;

  /** One segment being read: its cursor and scope, its row check, its requests out. */
  private static final class Walk {
    final Segment segment;
    final Cursor cursor;
    final Scope scope;
    final RowCheck check;

    /** Requests out, in the walk's order: the first is the cursor's own, the rest sent ahead. */
    final Deque<Request> out = new ArrayDeque<>();

    /** The cursor's next request where it could not be sent yet (Spark behind). */
    MediaRequest due;

    long received;

    Walk(Segment segment, Cursor cursor, Scope scope, RowCheck check) {
      this.segment = segment;
      this.cursor = cursor;
      this.scope = scope;
      this.check = check;
    }
  }

  /** A request out, and its answer once it arrived. */
  private static final class Request {
    final MediaRequest request;
    CompletableFuture<MediaPage<InternalRow>> future;
    boolean answered;

    /** Sent ahead, then not asked for: its answer is dropped when it comes. */
    boolean dropped;

    /**
     * Sent ahead and covering the request the walk then asked for (ties moved the walk's next
     * request back an item or two): its answer is cut to that one; null where they are the same.
     */
    MediaRequest cutTo;

    MediaPage<InternalRow> page;
    Throwable error;

    Request(MediaRequest request) {
      this.request = request;
    }
  }

  /** A page for Spark, or what its segment's walk failed with. */
  private record Arrival(Page page, Throwable error, Segment segment) {}

  /**
   * @param rows reads the scan's columns and, after them, the walk's: {@code id}, {@code
   *     createdAt}, {@code path}, {@code type}, {@code _score}
   * @param width the scan's columns
   */
  RequestPipeline(
      CoreVizClient client,
      int pageSize,
      int concurrency,
      MediaPartition partition,
      MediaRowReader rows,
      int width,
      Supplier<RowCheck> checks) {
    this.client = client;
    this.pageSize = pageSize;
    this.concurrency = Math.max(1, concurrency);
    this.partition = partition;
    this.rows = rows;
    this.width = width;
    this.checks = checks;
  }

  /**
   * The next page for Spark, waiting for it; null once every segment is read and every request it
   * sent is back. Taking a page may let more requests go out. A failed request is thrown here.
   */
  Page take() {
    while (true) {
      synchronized (lock) {
        ensureOpen();
        if (!started) {
          started = true;
          dispatch();
        }
        if (active.isEmpty() && arrived.isEmpty()) {
          if (!draining.isEmpty()) {
            awaitDrained(); // their return may let segments start
            continue;
          }
          if (narrowed.isEmpty() && nextSegment >= partition.segments().size()) {
            return null;
          }
          dispatch();
          continue;
        }
      }
      Arrival next = await(arrived);
      if (next.error() != null) {
        narrowOrThrow(next);
        continue;
      }
      synchronized (lock) {
        ensureOpen();
        waiting--;
        dispatch();
      }
      return next.page();
    }
  }

  /**
   * Replaces a scored segment whose ties outgrew a page with narrower slices, or throws what its
   * walk failed with.
   */
  private void narrowOrThrow(Arrival failed) {
    Throwable error =
        failed.error() instanceof CompletionException ? failed.error().getCause() : failed.error();
    if (!(error instanceof TiesOutgrowPage ties)) {
      throw failure(error);
    }
    Segment segment = failed.segment();
    if (!segment.query().scored() || segment.limit() != Long.MAX_VALUE || segment.exact()) {
      throw new DataException(ties.getMessage());
    }
    Narrowing.Slices narrower = Narrowing.of(client, segment);
    List<Segment> slices = narrower.segments();
    if (slices.isEmpty()) {
      throw new DataException(ties.getMessage() + "; " + narrower.none());
    }
    synchronized (lock) {
      ensureOpen();
      for (int i = slices.size() - 1; i >= 0; i--) {
        narrowed.addFirst(slices.get(i));
      }
      dispatch();
    }
  }

  /** Requests out now, those sent ahead and dropped included: for tests that wait for quiet. */
  int outstanding() {
    synchronized (lock) {
      return outstanding;
    }
  }

  /** The walks' counts so far: pages re-aligned, rows outside the query, segments off plan. */
  ReadTally.Counts counts() {
    synchronized (lock) {
      return tally.counts(active.stream().map(w -> w.cursor).toList(), scopes());
    }
  }

  private List<Scope> scopes() {
    return active.stream().map(w -> w.scope).toList();
  }

  /** Cancels every request out; pages not taken are dropped. */
  void close() {
    synchronized (lock) {
      closed = true;
      for (Walk walk : active) {
        cancel(walk);
      }
      active.clear();
      for (Request out : List.copyOf(draining)) {
        out.future.cancel(true);
      }
      draining.clear();
    }
    arrived.clear();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("reader of " + partition + " is closed");
    }
  }

  /** Whether another request may go out: see the class comment. Holds the lock. */
  private boolean canSend() {
    return outstanding < concurrency && outstanding + waiting < 2 * concurrency;
  }

  /**
   * Sends what may go out, most needed first: the walks' own requests, then new segments' first
   * ones, then requests ahead, to the walk with the fewest out. Holds the lock.
   */
  private void dispatch() {
    for (Walk walk : List.copyOf(active)) {
      if (walk.due != null && canSend()) {
        MediaRequest due = walk.due;
        walk.due = null;
        send(walk, due);
      }
    }
    while (canSend()
        && active.size() < concurrency
        && (!narrowed.isEmpty() || nextSegment < partition.segments().size())) {
      Walk walk =
          start(
              !narrowed.isEmpty() ? narrowed.pollFirst() : partition.segments().get(nextSegment++));
      MediaRequest first = walk.cursor.next();
      if (first == null) {
        end(walk);
        continue;
      }
      active.add(walk);
      send(walk, first);
    }
    while (canSend()) {
      Walk fewest = null;
      MediaRequest ahead = null;
      for (Walk walk : active) {
        if (walk.due != null
            || walk.out.isEmpty()
            || (fewest != null && walk.out.size() >= fewest.out.size())) {
          continue;
        }
        List<MediaRequest> predicted = walk.cursor.ahead(walk.out.size());
        if (predicted.size() == walk.out.size()) {
          fewest = walk;
          ahead = predicted.get(predicted.size() - 1);
        }
      }
      if (fewest == null) {
        return;
      }
      send(fewest, ahead);
    }
  }

  private Walk start(Segment segment) {
    Scope scope = Scope.of(segment.query(), width + 2, width + 3);
    return new Walk(
        segment, Cursors.forSegment(segment, pageSize, width, scope), scope, checks.get());
  }

  /** Sends {@code request} as the walk's next one out. Holds the lock. */
  private void send(Walk walk, MediaRequest request) {
    Request out = new Request(request);
    walk.out.addLast(out);
    outstanding++;
    CompletableFuture<MediaPage<InternalRow>> future = client.fetchAsync(request, rows);
    out.future = future;
    future.whenComplete((page, error) -> arrive(walk, out, page, error));
  }

  /** An answer arrived (on the client's thread): the walk takes what it can, in its order. */
  private void arrive(Walk walk, Request out, MediaPage<InternalRow> page, Throwable error) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      if (out.dropped) {
        outstanding--; // counted until it came back: the server was still answering it
        draining.remove(out);
        lock.notifyAll();
        dispatch();
        return;
      }
      if (!walk.out.contains(out)) {
        return; // cancelled: the walk failed
      }
      out.answered = true;
      out.page = page;
      out.error = error;
      advance(walk);
      dispatch();
    }
  }

  /**
   * Hands the walk's answered requests to its cursor in order, as long as each is the request the
   * cursor asks for next; drops the rest where it asks for another. Holds the lock.
   */
  private void advance(Walk walk) {
    while (!walk.out.isEmpty() && walk.out.peekFirst().answered) {
      Request head = walk.out.pollFirst();
      outstanding--;
      MediaRequest asked = head.cutTo != null ? head.cutTo : head.request;
      MediaRequest next;
      try {
        if (head.error != null) {
          throw head.error;
        }
        MediaPage<InternalRow> page = head.page;
        if (head.cutTo != null) {
          page = cut(head.request, page, head.cutTo);
          if (page == null) {
            drop(walk); // short, and not the last: may be a cap, so ask for the walk's own
            walk.due = head.cutTo;
            return;
          }
        }
        List<InternalRow> emit = walk.cursor.accept(page);
        walk.received += emit.size();
        waiting++;
        arrived.add(new Arrival(new Page(asked, emit, walk.check), null, walk.segment));
        next = walk.cursor.next();
      } catch (Throwable e) {
        fail(walk, e);
        return;
      }
      if (next == null) {
        drop(walk);
        end(walk);
        return;
      }
      Request ahead = walk.out.peekFirst();
      if (ahead == null || !(ahead.request.equals(next) || ahead.request.covers(next))) {
        drop(walk);
        walk.due = next;
        return;
      }
      if (!ahead.request.equals(next)) {
        ahead.cutTo = next;
      }
    }
  }

  /**
   * The answer to {@code sent} cut to {@code wanted}, which {@code sent} covers: from a full page,
   * or from a short one that says nothing follows (the end, where {@code wanted} ends too); null
   * for another short one (a server cap, or no {@code hasMore}): what the server gives for {@code
   * wanted} is then not known from it.
   */
  private static MediaPage<InternalRow> cut(
      MediaRequest sent, MediaPage<InternalRow> page, MediaRequest wanted) {
    List<InternalRow> items = page.items();
    Pagination pagination = page.pagination();
    boolean full = items.size() >= sent.limit();
    if (!full && !pagination.saysNoMore()) {
      return null;
    }
    int from = (int) Math.min(items.size(), wanted.offset() - sent.offset());
    int to = (int) Math.min(items.size(), from + (long) wanted.limit());
    return new MediaPage<>(
        items.subList(from, to),
        new Pagination(
            pagination.total(),
            wanted.limit(),
            wanted.offset(),
            to == items.size() ? pagination.hasMore() : Boolean.TRUE));
  }

  /**
   * Drops the walk's requests sent ahead: their answers are discarded as they come, and they count
   * against the task's requests until then, so the server never sees more at once. Holds the lock.
   */
  private void drop(Walk walk) {
    for (Request out : walk.out) {
      if (out.answered) {
        outstanding--;
      } else {
        out.dropped = true;
        draining.add(out);
      }
    }
    walk.out.clear();
  }

  /** Cancels the walk's requests out. Holds the lock. */
  private void cancel(Walk walk) {
    // Taken off the walk first: a cancelled future completes at once, on this thread.
    List<Request> cancelled = List.copyOf(walk.out);
    outstanding -= cancelled.size();
    walk.out.clear();
    for (Request out : cancelled) {
      out.future.cancel(true);
    }
  }

  /** Ends the walk with {@code error}, which {@link #take()} narrows or throws. */
  private void fail(Walk walk, Throwable error) {
    cancel(walk);
    active.remove(walk);
    arrived.add(new Arrival(null, error, walk.segment));
  }

  /** Accounts for a segment read to its end. Holds the lock. */
  private void end(Walk walk) {
    active.remove(walk);
    tally.ended(walk.segment, walk.cursor, walk.scope, walk.received);
  }

  /** Waits, holding the lock, for a dropped request to come back. */
  private void awaitDrained() {
    try {
      lock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for a CoreViz page");
    }
  }

  private static Arrival await(BlockingQueue<Arrival> queue) {
    try {
      return queue.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for a CoreViz page");
    }
  }

  private static RuntimeException failure(Throwable error) {
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof CoreVizException failure) {
      return failure;
    }
    if (cause instanceof RuntimeException failure && !(cause instanceof CancellationException)) {
      return failure;
    }
    return new CoreVizException("reading a CoreViz page failed: " + cause, cause);
  }
}
