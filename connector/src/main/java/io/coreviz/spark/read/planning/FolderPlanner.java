package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * {@code partitionBy=folder}: one subtree per unit ({@code path} + {@code recursive=true}), plus
 * the items directly under the scan's path (the child folders' own rows among them) as a unit of
 * their own, so every item is in exactly one unit. A folder holding more than a quarter of a
 * partition ({@code folderItemCount}) is opened and its children planned the same way; a level with
 * too many direct items is cut into offset ranges. Small units are then balanced over the
 * partitions. Planning costs a probe and a folder listing per folder opened.
 *
 * <p>A one-level read ({@code recursive=false}) has no subtrees to split and is planned by offset.
 */
final class FolderPlanner implements PartitionPlanner {

  private static final MediaRowReader FOLDERS =
      new MediaRowReader(
          new StructType(
              new StructField[] {
                MediaSchema.SCHEMA.apply("path"), MediaSchema.SCHEMA.apply("folderItemCount")
              }));

  private final Sizing sizing;
  private final int pageSize;
  private final OffsetPlanner oneLevel;

  FolderPlanner(Sizing sizing, int pageSize) {
    this.sizing = sizing;
    this.pageSize = pageSize;
    this.oneLevel = new OffsetPlanner(sizing);
  }

  @Override
  public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
    if (!query.recursive()) {
      return oneLevel.plan(client, query, parallelism);
    }
    Counts.Count count = Counts.of(client, query.request());
    List<String> notes = count.exact() ? List.of() : List.of(count.note());
    long total = count.items();
    if (total == 0) {
      return new Plan(List.of(), notes);
    }
    int partitions = sizing.partitions(total, parallelism);
    List<CompletableFuture<List<Bin>>> units = new ArrayList<>();
    try {
      open(client, query, query.listedPath(), sizing.units(total, partitions), units);
    } catch (RuntimeException e) {
      // A listing failed: no request of the plan outlives it, so the units' probes end first.
      units.forEach(Sizing::settled);
      throw e;
    }
    return new Plan(Packing.balance(Sizing.join(Sizing.all(units)), partitions), notes);
  }

  /**
   * Plans the folder at {@code path}: its direct items (counted and cut while the listing of its
   * child folders goes on), each small child subtree as a unit, each large one opened the same way.
   */
  private void open(
      CoreVizClient client,
      MediaQuery query,
      String path,
      Sizing.Units unit,
      List<CompletableFuture<List<Bin>>> units) {
    MediaQuery level = query.withPath(path, false);
    units.add(Sizing.total(client, level).thenCompose(n -> sizing.cuts(client, level, n, unit)));
    for (InternalRow folder : childFolders(client, query.collectionId(), path)) {
      String folderPath = folder.isNullAt(0) ? null : folder.getUTF8String(0).toString();
      if (folderPath == null || !isChild(folderPath, path)) {
        continue; // not a folder directly under path, whatever the server sent
      }
      long weight = folder.isNullAt(1) ? 1 : Math.max(1, folder.getInt(1));
      if (weight <= unit.max()) {
        MediaQuery subtree =
            query.withPath(folderPath, true).withSort(MediaQuery.Sort.OLDEST_FIRST);
        units.add(CompletableFuture.completedFuture(List.of(Bin.of(Segment.all(subtree), weight))));
      } else {
        open(client, query, folderPath, unit, units);
      }
    }
  }

  private static boolean isChild(String candidate, String parent) {
    return candidate.startsWith(parent + ".") && candidate.indexOf('.', parent.length() + 1) < 0;
  }

  /** The folders directly under {@code path}: their paths and item counts, all pages. */
  private List<InternalRow> childFolders(CoreVizClient client, String collectionId, String path) {
    MediaQuery folders =
        MediaQuery.of(collectionId)
            .withPath(path, false)
            .withType("folder")
            .withSort(new MediaQuery.Sort("name", true));
    List<InternalRow> rows = new ArrayList<>();
    while (true) {
      MediaPage<InternalRow> page = client.fetch(folders.page(rows.size(), pageSize), FOLDERS);
      for (InternalRow row : page.items()) {
        rows.add(row.copy());
      }
      if (page.items().isEmpty() || page.pagination().saysNoMore()) {
        return rows;
      }
    }
  }

  @Override
  public String toString() {
    return "folder";
  }
}
