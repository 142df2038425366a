package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.ItemReader;
import io.coreviz.spark.client.MediaRequest;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;

/**
 * Answers {@code count(*)}: one row holding the sum of {@code pagination.total} over the
 * partition's segments, one {@code limit=1} request each.
 */
final class CountPartitionReader implements PartitionReader<InternalRow> {

  private final CoreVizClient client;
  private final MediaRequest query;
  private final MediaPartition partition;
  private InternalRow row;
  private boolean done;

  CountPartitionReader(CoreVizClient client, MediaRequest query, MediaPartition partition) {
    this.client = client;
    this.query = query;
    this.partition = partition;
  }

  @Override
  public boolean next() {
    if (done) {
      return false;
    }
    long total = 0;
    for (Segment segment : partition.segments()) {
      total +=
          client
              .fetch(query.with(segment.params()).page(0, 1), ItemReader.SKIP)
              .pagination()
              .total();
    }
    row = new GenericInternalRow(new Object[] {total});
    done = true;
    return true;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return ScanMetrics.values(client.stats(), 0, 0, 0);
  }

  @Override
  public void close() {
    done = true;
  }
}
