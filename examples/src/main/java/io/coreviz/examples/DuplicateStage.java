package io.coreviz.examples;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Duplicates: the sets of exact copies (same bytes) and of near copies (perceptual hash and colour
 * layout, {@link DuplicateSets}; CLIP embeddings where the CLIP stage ran) that have a checked item
 * in them: each checked item is compared with every blob the history holds, so a night's work grows
 * with its new items, not with the collection. A set is the checked items joined with what they
 * copy (an earlier item's copies of other earlier items were flagged the night it was checked).
 */
final class DuplicateStage {

  static final String NAME = "duplicates";

  /**
   * The sets with a checked member, a flag ({@code id, reason}) for each member, and whether a
   * member is an item this run did not check (one kept earlier, whose flag may be kept already).
   */
  record Output(
      List<Set<String>> exact, List<Set<String>> near, List<Row> flags, boolean flagsUnchecked) {}

  private DuplicateStage() {}

  /**
   * @param clipPairs near copies by CLIP embedding, none where the CLIP stage did not run
   */
  static Output run(
      QualityRun run, ReadStage.Output read, MediaStage.Output media, List<String[]> clipPairs) {
    run.progress().phase(NAME, "each checked image against every image checked so far");
    Dataset<Row> checkedIds = read.checked().select("id");
    List<String[]> nearPairs = new ArrayList<>(DuplicateSets.nearPairs(media.blobs(), checkedIds));
    nearPairs.addAll(clipPairs);
    Set<String> checked = new HashSet<>();
    checkedIds.collectAsList().forEach(row -> checked.add(row.getString(0)));
    List<Set<String>> exact = DuplicateSets.exact(media.blobs(), checkedIds);
    List<Set<String>> near = DuplicateSets.sets(nearPairs);
    List<Row> flags = new ArrayList<>();
    exact.forEach(set -> set.forEach(id -> flags.add(RowFactory.create(id, "exact_duplicate"))));
    near.forEach(set -> set.forEach(id -> flags.add(RowFactory.create(id, "near_duplicate"))));
    boolean flagsUnchecked = flags.stream().anyMatch(flag -> !checked.contains(flag.getString(0)));
    run.progress().done(exact.size() + " sets of exact copies, " + near.size() + " of near ones");
    return new Output(exact, near, flags, flagsUnchecked);
  }
}
