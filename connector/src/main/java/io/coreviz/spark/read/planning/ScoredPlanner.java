package io.coreviz.spark.read.planning;

import io.coreviz.spark.client.CoreVizClient;
import io.coreviz.spark.client.MediaQuery;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scored reads ({@code q}, {@code similarToObjectId}): sliced on a filter that does not change a
 * score, the service's days, in the same checked date windows as a browse read ({@link
 * DatePlanner}); each slice is read in relevance order, paged by score, and its task narrows it
 * further where more items tie than a page holds (see the reader). A day is the narrowest a plan
 * cuts.
 *
 * <p>A service may score relative to what else a query matches (normalise per result set): a slice
 * would then give an item another score than the whole. So the slices are trusted only where {@link
 * ScoreCheck} finds their scores the whole's; else the read is one partition in the whole query's
 * order, and {@code explain()} and the log say why.
 */
final class ScoredPlanner implements PartitionPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(ScoredPlanner.class);

  private final DatePlanner days;

  ScoredPlanner(DatePlanner days) {
    this.days = days;
  }

  @Override
  public Plan plan(CoreVizClient client, MediaQuery query, int parallelism) {
    Plan sliced = days.plan(client, query, parallelism);
    List<Segment> slices = sliced.bins().stream().flatMap(bin -> bin.segments().stream()).toList();
    if (slices.size() <= 1) {
      return sliced;
    }
    String differs =
        ScoreCheck.differs(client, query, slices.stream().map(Segment::query).toList());
    if (differs == null) {
      return sliced;
    }
    long total = sliced.bins().stream().mapToLong(Bin::weight).sum();
    String note =
        differs
            + ": the service scores a query relative to what else it matches, so the read is one"
            + " partition in its own order";
    LOG.warn("CoreViz scan of {}: {}", query.request().path(), note);
    List<String> notes = new ArrayList<>(sliced.notes());
    notes.add(note);
    return new Plan(List.of(Sizing.whole(query, total)), notes);
  }

  @Override
  public String toString() {
    return "scored (date windows, relevance order)";
  }
}
