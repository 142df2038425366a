package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * {@code partitionBy=date}: disjoint windows of {@code createdAt} days ({@code dateFrom}/{@code
 * dateTo}). An item's creation time never changes, so it lands in exactly one window, and each
 * window is read to its end: items added during the read cannot shift another partition.
 *
 * <p>Two probes find the first and last day; windows are halved, one probe per split (the other
 * half's count is the difference), until each holds at most a quarter of a partition; a single day
 * larger than that is cut by creation time at probed offsets. The windows are then balanced over
 * the partitions. Planning costs a few requests per partition, never one per item.
 */
final class DatePlanner implements PartitionPlanner {

  private final Sizing sizing;
  private final OffsetPlanner fallback;

  DatePlanner(Sizing sizing) {
    this.sizing = sizing;
    this.fallback = new OffsetPlanner(sizing, Integer.MAX_VALUE);
  }

  @Override
  public List<Bin> plan(CoreVizClient client, MediaRequest request, int parallelism) {
    MediaPage<InternalRow> first =
        client.fetch(oldestFirst(request, "asc").page(0, 1), CreatedAt.READER);
    long total = first.pagination().total();
    if (total == 0) {
      return List.of();
    }
    MediaPage<InternalRow> last =
        client.fetch(oldestFirst(request, "desc").page(0, 1), CreatedAt.READER);
    LocalDate from = day(first);
    LocalDate to = day(last);
    if (from == null || to == null) {
      return fallback.split(total, parallelism); // no usable createdAt: cannot window
    }
    int partitions = sizing.partitions(total, parallelism);
    List<Bin> units = new ArrayList<>();
    split(client, request, from, to, total, Sizing.unitMax(total, partitions), units);
    return Packing.balance(units, partitions);
  }

  private static MediaRequest oldestFirst(MediaRequest request, String direction) {
    return request.with("sortBy", "createdAt").with("sortDirection", direction);
  }

  private static LocalDate day(MediaPage<InternalRow> page) {
    if (page.items().isEmpty() || page.items().get(0).isNullAt(0)) {
      return null;
    }
    long micros = page.items().get(0).getLong(0);
    return LocalDate.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private void split(
      CoreVizClient client,
      MediaRequest request,
      LocalDate from,
      LocalDate to,
      long count,
      long unitMax,
      List<Bin> units) {
    if (count == 0) {
      return;
    }
    Map<String, String> window = Map.of("dateFrom", from.toString(), "dateTo", to.toString());
    if (count <= unitMax || from.equals(to)) {
      units.addAll(Sizing.cuts(client, request, window, count, unitMax));
      return;
    }
    LocalDate middle = from.plusDays(ChronoUnit.DAYS.between(from, to) / 2);
    long left = Sizing.total(client, request.with("dateFrom", from).with("dateTo", middle));
    split(client, request, from, middle, left, unitMax, units);
    split(client, request, middle.plusDays(1), to, Math.max(0, count - left), unitMax, units);
  }

  @Override
  public String toString() {
    return "date";
  }
}
