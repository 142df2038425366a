package io.coreviz.spark.read;

import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.image.ImageFetcher;
import io.coreviz.spark.convert.SparkImage;
import io.coreviz.spark.errors.DataException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The hidden content columns of a partition's rows, filled in the rows' order: each row's blob is
 * fetched by the connector's one downloader ({@link ImageFetcher}: the executor's shared client
 * with its request budget and retries, the API key sent only to the API's own host), up to {@code
 * ahead} rows ahead of Spark, and an image's picture decoded as Spark's image source does. So a
 * task holds at most {@code ahead} blobs, and of large ones no more than the byte limit's worth (at
 * least one). A blob that cannot be the column's value gives a null and its reason ({@code
 * unavailable}, {@code too_large}, {@code size_mismatch}; for the picture also {@code undecodable},
 * {@code dimensions_mismatch}), or fails the task where {@code strict} (for the bytes; a picture
 * that does not decode is a null).
 */
final class ContentColumns implements AutoCloseable {

  /**
   * Where a row holds what its blob is fetched and checked by ({@code id} to {@code height}), and
   * where the hidden columns go ({@code -1}: not read).
   */
  record Slots(
      int id,
      int type,
      int blob,
      int size,
      int width,
      int height,
      int content,
      int error,
      int image,
      int imageError) {

    boolean decodes() {
      return image >= 0 || imageError >= 0;
    }
  }

  /** A blob's bytes or why there are none, and an image item's picture or why there is none. */
  private record Fetched(byte[] bytes, String error, InternalRow image, String imageError) {

    Fetched(byte[] bytes, String error) {
      this(bytes, error, null, error);
    }
  }

  private record Pending(InternalRow row, long size, Future<Fetched> fetched) {}

  private final ImageFetcher fetcher;
  private final RequestStats stats;
  private final int ahead;
  private final int maxBytes;
  private final boolean strict;
  private final Slots slots;
  private final ExecutorService pool;
  private final Deque<Pending> window = new ArrayDeque<>();

  /** The bytes the window's rows list, fetched or being fetched. */
  private long held;

  /** A row taken from the partition that did not fit the window yet. */
  private InternalRow waiting;

  /**
   * @param fetcher the downloader; the window holds at most its largest blob's worth of bytes (as
   *     the rows' {@code sizeBytes} say; a row without one counts as that largest), and at least
   *     one blob
   * @param ahead the most blobs fetched ahead of Spark
   */
  ContentColumns(ImageFetcher fetcher, RequestStats stats, int ahead, boolean strict, Slots slots) {
    this.fetcher = fetcher;
    this.stats = stats;
    this.ahead = Math.max(1, ahead);
    this.maxBytes = fetcher.maxBytes();
    this.strict = strict;
    this.slots = slots;
    this.pool =
        Executors.newFixedThreadPool(
            this.ahead,
            runnable -> {
              Thread thread = new Thread(runnable, "coreviz-content");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The next row of {@code rows} (null once they end) with its content filled in. */
  InternalRow next(Supplier<InternalRow> rows) {
    while (window.size() < ahead) {
      InternalRow row = waiting != null ? waiting : rows.get();
      waiting = null;
      if (row == null) {
        break;
      }
      long size = listedSize(row);
      if (!window.isEmpty() && held + size > maxBytes) {
        waiting = row;
        break;
      }
      held += size;
      window.add(new Pending(row, size, pool.submit(() -> fetch(row))));
    }
    Pending next = window.poll();
    if (next == null) {
      return null;
    }
    held -= next.size();
    Fetched fetched = await(next.fetched());
    if (fetched.error() != null && strict) {
      throw new DataException(
          "content of item "
              + next.row().getUTF8String(slots.id())
              + ": "
              + fetched.error()
              + " (strictContent=true; without it the row has content null and this in"
              + " content_error)");
    }
    InternalRow row = next.row();
    fill(row, slots.content(), fetched.bytes());
    fill(row, slots.error(), text(fetched.error()));
    fill(row, slots.image(), fetched.image());
    fill(row, slots.imageError(), text(fetched.imageError()));
    return row;
  }

  /** The bytes a row's blob will hold, as far as its listing says: at most the limit. */
  private long listedSize(InternalRow row) {
    if (type(row).equals("folder")) {
      return 0;
    }
    long size = row.isNullAt(slots.size()) ? 0 : row.getLong(slots.size());
    return size > 0 ? Math.min(size, maxBytes) : maxBytes;
  }

  private static void fill(InternalRow row, int slot, Object value) {
    if (slot >= 0) {
      row.update(slot, value);
    }
  }

  private static UTF8String text(String text) {
    return text == null ? null : UTF8String.fromString(text);
  }

  private String type(InternalRow row) {
    return row.isNullAt(slots.type()) ? "" : row.getUTF8String(slots.type()).toString();
  }

  private Fetched fetch(InternalRow row) {
    String type = type(row);
    if (type.equals("folder")) {
      return new Fetched(null, null, null, null); // a folder has no blob
    }
    Fetched fetched = download(row);
    if (!slots.decodes() || !type.equals("image")) {
      return new Fetched(fetched.bytes(), fetched.error(), null, null);
    }
    return fetched.bytes() == null ? fetched : decode(row, fetched.bytes());
  }

  /**
   * An image's picture as Spark's image source decodes it ({@link SparkImage}), or why it cannot
   * be: no decoder reads the bytes, or the picture is not the item's width x height.
   */
  private Fetched decode(InternalRow row, byte[] bytes) {
    InternalRow image = SparkImage.decode(row.getUTF8String(slots.blob()).toString(), bytes);
    if (image == null) {
      return new Fetched(bytes, null, null, "undecodable: no image decoder reads the bytes");
    }
    int height = image.getInt(1);
    int width = image.getInt(2);
    if (!row.isNullAt(slots.width())
        && !row.isNullAt(slots.height())
        && (row.getInt(slots.width()) != width || row.getInt(slots.height()) != height)) {
      return new Fetched(
          bytes,
          null,
          null,
          "dimensions_mismatch: the item is "
              + row.getInt(slots.width())
              + "x"
              + row.getInt(slots.height())
              + ", the picture "
              + width
              + "x"
              + height);
    }
    return new Fetched(bytes, null, image, null);
  }

  /** The blob's bytes, or why they cannot be the content column. */
  private Fetched download(InternalRow row) {
    String url = row.isNullAt(slots.blob()) ? "" : row.getUTF8String(slots.blob()).toString();
    if (url.isEmpty()) {
      return new Fetched(null, "unavailable: no blob URL");
    }
    byte[] bytes;
    try {
      bytes = fetcher.fetch(url, stats);
    } catch (ImageFetcher.ImageFailure e) {
      return new Fetched(null, (e.tooLarge() ? "too_large: " : "unavailable: ") + e.getMessage());
    }
    long size = row.isNullAt(slots.size()) ? 0 : row.getLong(slots.size());
    if (size > 0 && size != bytes.length) {
      return new Fetched(
          null, "size_mismatch: sizeBytes is " + size + ", the blob " + bytes.length + " bytes");
    }
    return new Fetched(bytes, null);
  }

  private static Fetched await(Future<Fetched> fetched) {
    try {
      return fetched.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while fetching a blob");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime
          : new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
    window.clear();
  }
}
