package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quality job's findings, checked against the same facts computed from the stored items. */
class QualityJobTest {

  private static final String KEY = "quality-test-key";
  private static SparkSession spark;
  private static MediaCollection collection;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(5, 900).measureSizes();
    server = CoreVizEmulator.builder().collection(collection).credential(KEY).start();
    spark = TestSessions.withDelta("QualityJobTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
    server.close();
  }

  private static Map<String, Long> countBy(List<MediaItem> items, Function<MediaItem, String> key) {
    return items.stream().collect(Collectors.groupingBy(key, Collectors.counting()));
  }

  private static Set<String> ids(List<MediaItem> items, Predicate<MediaItem> rule) {
    return items.stream().filter(rule).map(MediaItem::id).collect(Collectors.toSet());
  }

  @Test
  void findingsMatchTheCollection(@TempDir Path out) throws Exception {
    QualityJob.Result result =
        QualityJob.run(
            spark,
            Map.of("endpoint", server.baseUrl(), "apiKey", KEY, "collectionId", collection.id()),
            out);
    assertThat(spark.sharedState().cacheManager().isEmpty())
        .as("a run uncaches every dataset it cached")
        .isTrue();
    QualityReport report = result.report();
    List<MediaItem> media = collection.media();

    assertThat(report.mediaCount()).isEqualTo(media.size());
    assertThat(report.folderCount()).isEqualTo(collection.items().size() - media.size());
    assertThat(report.byType()).isEqualTo(countBy(media, MediaItem::type));
    assertThat(report.byStatus()).isEqualTo(countBy(media, MediaItem::status));
    Map<String, String> folderNames =
        collection.items().stream()
            .filter(MediaItem::isFolder)
            .collect(Collectors.toMap(MediaItem::id, MediaItem::name));
    assertThat(report.byFolder())
        .isEqualTo(
            countBy(
                media,
                item -> {
                  String[] labels = item.path().split("\\.");
                  return labels.length > 2 ? folderNames.get(labels[1]) : "(root)";
                }));
    Map<String, Long> labels =
        media.stream()
            .flatMap(m -> m.frames().stream())
            .flatMap(f -> f.objects().stream())
            .collect(Collectors.groupingBy(o -> o.label(), Collectors.counting()));
    assertThat(report.labels()).isEqualTo(labels);
    Map<String, Double> coverage = new HashMap<>();
    for (String group : List.of("color", "season", "category", "camera")) {
      long tagged =
          media.stream().filter(m -> !m.tags().getOrDefault(group, List.of()).isEmpty()).count();
      coverage.put(group, (double) tagged / media.size());
    }
    assertThat(report.tagCoverage()).isEqualTo(coverage);

    Map<String, Set<String>> expected = expectedFlags(media, media);

    // The metadata rules; the media checks have their own test (QualityMediaChecksTest).
    Map<String, Set<String>> flagged =
        FlaggedIds.byReason(
            spark.read().parquet(result.flaggedParquet().toString()), QualityChecks.RULES.keySet());
    expected.values().removeIf(Set::isEmpty);
    assertThat(flagged).isEqualTo(expected);
    expected.forEach(
        (reason, ids) -> assertThat(report.flagged().get(reason)).isEqualTo((long) ids.size()));
    assertThat(expected)
        .containsKeys(
            "missing_dimensions",
            "video_without_frames",
            "image_without_objects",
            "duplicate_name_in_folder");

    String html = Files.readString(result.html());
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<svg")
        .contains(collection.id())
        .doesNotContain(KEY)
        .doesNotContain("<script")
        .doesNotContain("src=\"http");
    expected
        .keySet()
        .forEach(
            reason ->
                assertThat(html)
                    .as("a sample of " + reason)
                    .contains("<tr><td>" + reason + "</td>"));
  }

  /**
   * Per reason, the ids among {@code checked} the rules flag, computed from the stored items; names
   * are compared within folders over all of {@code media}.
   */
  static Map<String, Set<String>> expectedFlags(List<MediaItem> media, List<MediaItem> checked) {
    Map<String, Set<String>> expected = new HashMap<>();
    expected.put("missing_dimensions", ids(checked, m -> m.width() == null || m.height() == null));
    expected.put("missing_size", ids(checked, m -> m.sizeBytes() == 0));
    expected.put(
        "video_without_frames",
        ids(checked, m -> m.type().equals("video") && m.frames().isEmpty()));
    expected.put(
        "image_without_objects",
        ids(
            checked,
            m ->
                m.type().equals("image")
                    && m.frames().stream().mapToInt(f -> f.objects().size()).sum() == 0));
    // A repeated name flags every item that has it in the folder, checked or not, once a checked
    // item has it.
    Map<String, Long> names = countBy(media, m -> m.parentPath() + "/" + m.name());
    Set<String> checkedNames =
        checked.stream().map(m -> m.parentPath() + "/" + m.name()).collect(Collectors.toSet());
    expected.put(
        "duplicate_name_in_folder",
        ids(
            media,
            m -> {
              String key = m.parentPath() + "/" + m.name();
              return names.get(key) > 1 && checkedNames.contains(key);
            }));
    return expected;
  }

  @Test
  void htmlEscapesUserText() {
    assertThat(HtmlReport.escape("<img src=x onerror='a'>&\""))
        .isEqualTo("&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;");
  }
}
