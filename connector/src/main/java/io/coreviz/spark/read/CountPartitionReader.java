package io.coreviz.spark.read;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.read.planning.Counts;
import io.coreviz.spark.read.planning.MediaPartition;
import io.coreviz.spark.read.planning.Segment;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers {@code count(*)}: one row holding the sum of the checked counts ({@link Counts}) of the
 * partition's segments: two requests each where {@code pagination.total} is right, a few more to
 * find the end of the results where it is not.
 */
final class CountPartitionReader implements PartitionReader<InternalRow> {

  private static final Logger LOG = LoggerFactory.getLogger(CountPartitionReader.class);

  private final CoreVizClient client;
  private final MediaPartition partition;
  private InternalRow row;
  private boolean done;

  CountPartitionReader(CoreVizClient client, MediaPartition partition) {
    this.client = client;
    this.partition = partition;
  }

  @Override
  public boolean next() {
    if (done) {
      return false;
    }
    long total = 0;
    for (Segment segment : partition.segments()) {
      Counts.Count count = Counts.of(client, segment.query().request());
      if (!count.exact()) {
        LOG.warn("CoreViz count(*) of {}: {}", segment.query(), count.note());
      }
      total += count.items();
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
