package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Walks one segment page by page: says which request comes next and turns each page into the rows
 * to emit. Rows carry two trailing columns for the walk: {@code id} and {@code createdAt}.
 */
interface Cursor {

  /** The next request, or null when the segment is done. */
  MediaRequest next();

  /** Accounts for the page answering {@link #next()}'s request; returns the rows to emit. */
  List<InternalRow> accept(MediaPage<InternalRow> page);

  /**
   * Up to {@code n} requests that will follow the one {@link #next()} just returned, if each page
   * comes back as planned (full, keys distinct at its end, nothing shifted): sent ahead, and used
   * only where the walk then asks for them or for a part of one ({@link MediaRequest#covers}), its
   * full answer cut to that part. None where the walk cannot tell.
   */
  default List<MediaRequest> ahead(int n) {
    return List.of();
  }

  /** Times the walk found the results shifted under it and stepped back. */
  default long realigned() {
    return 0;
  }
}
