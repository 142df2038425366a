package io.coreviz.spark.read;

import io.coreviz.spark.errors.CoreVizException;

/**
 * A walk by sort key met more items sharing one key than the server returns in one page: it cannot
 * go on exactly. A scored segment is narrowed instead ({@link Narrowing}); where it cannot be, the
 * task fails with a {@link io.coreviz.spark.errors.DataException} saying so.
 */
final class TiesOutgrowPage extends CoreVizException {

  private static final long serialVersionUID = 1L;

  TiesOutgrowPage(String message) {
    super(message);
  }
}
