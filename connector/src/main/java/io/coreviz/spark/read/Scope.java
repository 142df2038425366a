package io.coreviz.spark.read;

import io.coreviz.spark.client.MediaQuery;
import java.util.function.Predicate;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * What a request asked for, checked on every row it returns: the type, and the place under {@code
 * path}. The connector does not trust a server to apply these the way the API page can be read most
 * narrowly: PostgreSQL ltree's {@code <@} is reflexive, so a recursive listing of {@code c.f} may
 * include the folder {@code c.f} itself (a folder scan would then return it twice), and a server
 * may answer {@code mediaId} with that item whatever the other parameters say. Rows outside the
 * request are dropped and counted ({@link ScanMetrics.OutsideQuery}).
 *
 * <p>A recursive or scored listing holds the items strictly below {@code path} ({@code path} is a
 * prefix of theirs, label by label); a one-level listing holds those whose parent is {@code path}.
 * An item without a path cannot be placed and is kept.
 */
final class Scope implements Predicate<InternalRow> {

  private final String path;
  private final boolean subtree;
  private final String type;
  private final int pathSlot;
  private final int typeSlot;
  private long dropped;

  private Scope(String path, boolean subtree, String type, int pathSlot, int typeSlot) {
    this.path = path;
    this.subtree = subtree;
    this.type = type;
    this.pathSlot = pathSlot;
    this.typeSlot = typeSlot;
  }

  /** The scope of {@code request}, over rows holding path and type at these slots. */
  static Scope of(MediaQuery query, int pathSlot, int typeSlot) {
    return new Scope(
        query.listedPath(), query.scored() || query.recursive(), query.type(), pathSlot, typeSlot);
  }

  @Override
  public boolean test(InternalRow row) {
    boolean in = typeMatches(row) && placeMatches(row);
    if (!in) {
      dropped++;
    }
    return in;
  }

  /** Rows dropped so far. */
  long dropped() {
    return dropped;
  }

  private boolean typeMatches(InternalRow row) {
    return type == null
        || (!row.isNullAt(typeSlot) && type.equals(row.getUTF8String(typeSlot).toString()));
  }

  private boolean placeMatches(InternalRow row) {
    if (row.isNullAt(pathSlot)) {
      return true;
    }
    String itemPath = row.getUTF8String(pathSlot).toString();
    if (subtree) {
      return itemPath.startsWith(path + ".");
    }
    int dot = itemPath.lastIndexOf('.');
    return dot > 0 && itemPath.substring(0, dot).equals(path);
  }
}
