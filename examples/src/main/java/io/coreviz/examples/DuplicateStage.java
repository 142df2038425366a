package io.coreviz.examples;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Duplicates: the sets of exact copies (same bytes) and of near copies (perceptual hash and colour
 * layout, {@link DuplicateSets}; CLIP embeddings where the CLIP stage ran) among every blob the
 * history holds, kept where a set has a checked item in it.
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
    run.progress().phase(NAME, "exact and near copies among every image checked so far");
    List<String[]> nearPairs = new ArrayList<>(DuplicateSets.nearPairs(media.blobs()));
    nearPairs.addAll(clipPairs);
    Set<String> checked = new HashSet<>();
    read.checked().select("id").collectAsList().forEach(row -> checked.add(row.getString(0)));
    List<Set<String>> exact = touching(DuplicateSets.exact(media.blobs()), checked);
    List<Set<String>> near = touching(DuplicateSets.sets(nearPairs), checked);
    List<Row> flags = new ArrayList<>();
    exact.forEach(set -> set.forEach(id -> flags.add(RowFactory.create(id, "exact_duplicate"))));
    near.forEach(set -> set.forEach(id -> flags.add(RowFactory.create(id, "near_duplicate"))));
    boolean flagsUnchecked = flags.stream().anyMatch(flag -> !checked.contains(flag.getString(0)));
    run.progress().done(exact.size() + " sets of exact copies, " + near.size() + " of near ones");
    return new Output(exact, near, flags, flagsUnchecked);
  }

  /** The sets with a member among {@code ids}. */
  private static List<Set<String>> touching(List<Set<String>> sets, Set<String> ids) {
    return sets.stream().filter(set -> set.stream().anyMatch(ids::contains)).toList();
  }
}
