package io.coreviz.spark.read;

import io.coreviz.spark.client.RequestStats;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomSumMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;

/**
 * The metrics each scan shows in the Spark UI, summed over its tasks. Spark instantiates these
 * classes by name on the driver, so each is public with a no-argument constructor.
 */
public final class ScanMetrics {

  private ScanMetrics() {}

  static CustomMetric[] supported() {
    return new CustomMetric[] {
      new Requests(),
      new Retries(),
      new RateLimited(),
      new ThrottledMillis(),
      new BytesRead(),
      new RowsRead(),
      new DuplicatesDropped(),
      new PagesRealigned(),
      new OutsideQuery(),
      new SegmentsOffPlan(),
      new ConcurrencyLimit(),
      new PlanningRequests(),
      new PlanningRetries()
    };
  }

  /** The driver's own: planning's requests and retries. */
  static CustomTaskMetric[] driverValues(RequestStats planning) {
    return new CustomTaskMetric[] {
      value(PlanningRequests.NAME, planning.requests.get()),
      value(PlanningRetries.NAME, planning.retries.get())
    };
  }

  static CustomTaskMetric[] values(RequestStats stats, long rows, long duplicates, long realigned) {
    return values(stats, rows, duplicates, realigned, 0, 0);
  }

  static CustomTaskMetric[] values(
      RequestStats stats,
      long rows,
      long duplicates,
      long realigned,
      long outsideQuery,
      long offPlan) {
    return new CustomTaskMetric[] {
      value(Requests.NAME, stats.requests.get()),
      value(Retries.NAME, stats.retries.get()),
      value(RateLimited.NAME, stats.rateLimited.get()),
      value(ThrottledMillis.NAME, stats.throttledNanos.get() / 1_000_000),
      value(BytesRead.NAME, stats.bytesRead.get()),
      value(RowsRead.NAME, rows),
      value(DuplicatesDropped.NAME, duplicates),
      value(PagesRealigned.NAME, realigned),
      value(OutsideQuery.NAME, outsideQuery),
      value(SegmentsOffPlan.NAME, offPlan),
      value(ConcurrencyLimit.NAME, stats.concurrencyLimit.get())
    };
  }

  private static CustomTaskMetric value(String name, long value) {
    return new CustomTaskMetric() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public long value() {
        return value;
      }
    };
  }

  /** HTTP requests sent, retries included. */
  public static final class Requests extends CustomSumMetric {
    static final String NAME = "corevizRequests";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz requests";
    }
  }

  /** Planning's requests on the driver (probes and count checks), retries included. */
  public static final class PlanningRequests extends CustomSumMetric {
    static final String NAME = "corevizPlanningRequests";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz planning requests";
    }
  }

  /** Planning's requests sent again after a 429, a 5xx or a broken connection. */
  public static final class PlanningRetries extends CustomSumMetric {
    static final String NAME = "corevizPlanningRetries";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz planning retries";
    }
  }

  /** Requests sent again after a 429, a 5xx or a broken connection. */
  public static final class Retries extends CustomSumMetric {
    static final String NAME = "corevizRetries";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz retries";
    }
  }

  /** Answers with HTTP 429. */
  public static final class RateLimited extends CustomSumMetric {
    static final String NAME = "corevizRateLimited";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz 429 answers";
    }
  }

  /** Time spent waiting for a 429's Retry-After or the request-rate cap. */
  public static final class ThrottledMillis extends CustomSumMetric {
    static final String NAME = "corevizThrottledMs";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz time throttled (ms)";
    }
  }

  /** Response bytes received. */
  public static final class BytesRead extends CustomSumMetric {
    static final String NAME = "corevizBytesRead";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz bytes read";
    }
  }

  /** Rows returned to Spark. */
  public static final class RowsRead extends CustomSumMetric {
    static final String NAME = "corevizRowsRead";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz rows read";
    }
  }

  /** Items the API sent twice within a partition, dropped by id. */
  public static final class DuplicatesDropped extends CustomSumMetric {
    static final String NAME = "corevizDuplicatesDropped";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz duplicates dropped";
    }
  }

  /** Times a reader found offsets shifted by deletions and stepped back. */
  public static final class PagesRealigned extends CustomSumMetric {
    static final String NAME = "corevizPagesRealigned";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz pages re-aligned";
    }
  }

  /**
   * Rows the server returned outside the request (a recursive listing's own folder, an item of
   * another type or place returned for {@code mediaId}), dropped.
   */
  public static final class OutsideQuery extends CustomSumMetric {
    static final String NAME = "corevizOutsideQuery";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz rows outside the query dropped";
    }
  }

  /** Date windows or ranges that returned another number of items than planning counted. */
  public static final class SegmentsOffPlan extends CustomSumMetric {
    static final String NAME = "corevizSegmentsOffPlan";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz segments with another count than planned";
    }
  }

  /**
   * The executor's adaptive limit of requests in flight to the endpoint, as last seen by a task;
   * the lowest over the scan's tasks (0 where a task sent nothing).
   */
  public static final class ConcurrencyLimit implements CustomMetric {
    static final String NAME = "corevizConcurrencyLimit";

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public String description() {
      return "CoreViz requests in flight allowed per executor (lowest)";
    }

    @Override
    public String aggregateTaskMetrics(long[] values) {
      return String.valueOf(java.util.Arrays.stream(values).filter(v -> v > 0).min().orElse(0));
    }
  }
}
