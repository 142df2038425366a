package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaPage;
import io.coreviz.spark.client.MediaQuery;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.options.CoreVizOptions;
import io.coreviz.spark.options.ReadOptions;
import io.coreviz.spark.read.planning.CreatedAt;
import io.coreviz.spark.read.planning.PartitionPlanners;
import io.coreviz.spark.read.pushdown.FilterTranslator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.FieldReference;
import org.apache.spark.sql.connector.expressions.LiteralValue;
import org.apache.spark.sql.connector.expressions.filter.Predicate;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.ReadMaxRows;
import org.apache.spark.sql.connector.read.streaming.ReportsSourceMetrics;
import org.apache.spark.sql.connector.read.streaming.SupportsTriggerAvailableNow;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spark.readStream.format("coreviz")}: the items of a collection in creation order, each
 * once. An offset is a creation-time high-water mark and the ids read at that instant ({@link
 * CreationOffset}); a batch reads the items created after its start and up to its end, planned as a
 * batch scan with the API's {@code dateFrom}/{@code dateTo} around them (a superset under any
 * reading of the API's days) and the exact range checked on every row. A batch re-run after a crash
 * reads the same items, since creation times never change.
 *
 * <p>What the API cannot give a stream: an item whose {@code createdAt} is older than the mark when
 * it first appears (imported with its original time, or made visible late), and updates to existing
 * items ({@code updatedAt} cannot be filtered on). A periodic full batch read covers both.
 */
final class CoreVizStream
    implements MicroBatchStream, SupportsTriggerAvailableNow, ReportsSourceMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(CoreVizStream.class);

  /** The most items sharing the newest instant that one request may return to find them all. */
  private static final int MOST_TIES = 10_000;

  private final ReadOptions options;
  private final String checkpoint;
  private final RequestStats newestRequests = new RequestStats();
  private CreationOffset target;

  /** The newest items found by the last {@link #latestOffset}, for the metrics. */
  private volatile CreationOffset newest;

  /** Items after the last batch's end as counted when it was planned, or -1 where not counted. */
  private volatile long behind = -1;

  CoreVizStream(ReadOptions options, String checkpoint) {
    this.options = options;
    this.checkpoint = checkpoint;
  }

  @Override
  public Offset initialOffset() {
    Long from = options.value(CoreVizOptions.STARTING_TIMESTAMP);
    if (from == null) {
      return CreationOffset.EARLIEST.toSpark();
    }
    return (from == CoreVizOptions.LATEST ? newest() : CreationOffset.before(from)).toSpark();
  }

  @Override
  public Offset deserializeOffset(String json) {
    try {
      return CreationOffset.parse(json).toSpark();
    } catch (DataException e) {
      throw new DataException("in checkpoint " + checkpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void prepareForTriggerAvailableNow() {
    target = newest();
  }

  @Override
  public Offset latestOffset() {
    return newest().toSpark();
  }

  /**
   * The end of the next batch: the newest items (as of the run's start with AvailableNow), or,
   * under a {@code maxRows} limit ({@code maxItemsPerTrigger}), an earlier end about that many
   * items on that keeps each instant's items together. Costs one request where nothing is new;
   * under a limit, one more where anything is, and about 2·log₂ of the items between the day before
   * the start and the start more where the items since that day outnumber the limit.
   */
  @Override
  public Offset latestOffset(Offset start, ReadLimit limit) {
    CreationOffset from = start == null ? CreationOffset.EARLIEST : CreationOffset.of(start);
    newest = target != null ? target : newest();
    CreationOffset end = from.advancedTo(newest);
    behind = 0;
    if (end.equals(from) || !(limit instanceof ReadMaxRows most)) {
      return end.toSpark();
    }
    CreationIndex index =
        new CreationIndex(options.client().client(newestRequests), options.query());
    CreationOffset bound = index.bound(from, most.maxRows());
    if (bound != null && bound.createdAt() < end.createdAt()) {
      behind = index.behind(bound);
      return bound.toSpark();
    }
    return end.toSpark();
  }

  /**
   * The source's state in each {@code StreamingQueryProgress}: {@code itemsBehindLatest} (items
   * created after the batch's end, counted when the batch was planned), {@code newestCreatedAt}
   * (the newest item the stream has seen), {@code lagSeconds} (from the batch's end to it), and the
   * requests that find the newest items ({@code newestItemRequests}, retries included) and their
   * retries.
   */
  @Override
  public Map<String, String> metrics(Optional<Offset> latestConsumedOffset) {
    Map<String, String> metrics = new LinkedHashMap<>();
    CreationOffset seen = newest;
    CreationOffset consumed = latestConsumedOffset.map(CreationOffset::of).orElse(null);
    if (seen != null && seen.createdAt() != Long.MIN_VALUE) {
      metrics.put(
          "newestCreatedAt", Instant.EPOCH.plus(seen.createdAt(), ChronoUnit.MICROS).toString());
      if (consumed != null && consumed.createdAt() != Long.MIN_VALUE) {
        long lag = Math.max(0, seen.createdAt() - consumed.createdAt());
        metrics.put("lagSeconds", String.format(java.util.Locale.ROOT, "%.3f", lag / 1e6));
      }
    }
    if (behind >= 0) {
      metrics.put("itemsBehindLatest", String.valueOf(behind));
    }
    metrics.put("newestItemRequests", String.valueOf(newestRequests.requests.get()));
    metrics.put("newestItemRetries", String.valueOf(newestRequests.retries.get()));
    return metrics;
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return ReadLimit.maxRows(options.value(CoreVizOptions.MAX_ITEMS_PER_TRIGGER));
  }

  @Override
  public InputPartition[] planInputPartitions(Offset start, Offset end) {
    CreationOffset from = CreationOffset.of(start);
    CreationOffset to = CreationOffset.of(end);
    List<Predicate> bounds = new ArrayList<>();
    if (from.createdAt() != Long.MIN_VALUE) {
      bounds.add(compare(">=", from.createdAt()));
    }
    bounds.add(compare("<=", to.createdAt()));
    ScanSpec spec = spec(bounds.toArray(new Predicate[0]));
    CoreVizBatch batch = new CoreVizBatch(spec, PartitionPlanners.forOptions(options));
    InputPartition[] planned = batch.planInputPartitions();
    CreationRange range = new CreationRange(from, to);
    InputPartition[] ranged = new InputPartition[planned.length];
    for (int i = 0; i < planned.length; i++) {
      ranged[i] = new CreationRange.Partition(planned[i], range);
    }
    LOG.info(
        "CoreViz stream batch {} .. {}: {} partitions, planning {}",
        from,
        to,
        ranged.length,
        batch.cost());
    return ranged;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new MediaReaderFactory(spec(new Predicate[0]));
  }

  @Override
  public void commit(Offset end) {}

  @Override
  public void stop() {}

  @Override
  public String toString() {
    return "CoreVizStream[" + options.query() + "]";
  }

  private ScanSpec spec(Predicate[] bounds) {
    return ScanSpec.of(
        options,
        FilterTranslator.translate(options.query(), bounds),
        MediaSchema.SCHEMA,
        null,
        null,
        false);
  }

  private static Predicate compare(String op, long micros) {
    return new Predicate(
        op,
        new Expression[] {
          FieldReference.apply(MediaSchema.CREATED_AT),
          LiteralValue.apply(micros, DataTypes.TimestampType)
        });
  }

  /**
   * The newest items the options select: the newest instant and every id created then, from one
   * request newest first (asked again for more where all it returned share the instant).
   */
  private CreationOffset newest() {
    CoreVizClient client = options.client().client(newestRequests);
    MediaQuery query = options.query().withSort(MediaQuery.Sort.NEWEST_FIRST);
    for (int size = Math.min(options.pageSize(), 100); ; size *= 4) {
      MediaPage<InternalRow> page = client.fetch(query.page(0, size), CreatedAt.WITH_ID);
      List<InternalRow> items = page.items();
      if (items.isEmpty()) {
        return CreationOffset.EARLIEST;
      }
      long newest = createdAt(items.get(0), query);
      TreeSet<String> ids = new TreeSet<>();
      for (InternalRow item : items) {
        long micros = createdAt(item, query);
        if (micros > newest) {
          throw new DataException(
              "CoreViz answered GET "
                  + query.page(0, size).pathAndQuery()
                  + " with items out of order (newest first was asked for)");
        }
        if (micros == newest) {
          ids.add(item.getUTF8String(1).toString());
        }
      }
      boolean allTied = ids.size() == items.size() && items.size() == size;
      if (!allTied) {
        return new CreationOffset(newest, ids);
      }
      if (size >= MOST_TIES) {
        throw new DataException(
            "more than "
                + MOST_TIES
                + " CoreViz items share the newest createdAt; a stream cannot tell which it read");
      }
    }
  }

  private static long createdAt(InternalRow item, MediaQuery query) {
    if (item.isNullAt(0)) {
      throw new DataException(
          "CoreViz sent an item without createdAt for GET "
              + query.page(0, 1).pathAndQuery()
              + "; a stream places items by creation time");
    }
    return item.getLong(0);
  }
}
