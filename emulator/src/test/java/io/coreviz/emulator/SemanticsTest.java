package io.coreviz.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each alternative reading of the API page behaves as documented, checked over HTTP against
 * expectations computed here from the stored items.
 */
class SemanticsTest {

  private static final String KEY = "semantics-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final MediaCollection COLLECTION = SyntheticCollection.generate(12, 300);

  private static JsonNode get(CoreVizEmulator server, String query) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    server.baseUrl() + "/api/dataset/" + COLLECTION.id() + "/media?" + query))
            .header("x-api-key", KEY)
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static CoreVizEmulator start(UnaryOperator<CoreVizEmulator.Builder> setting) {
    return setting.apply(CoreVizEmulator.builder().collection(COLLECTION).credential(KEY)).start();
  }

  private static Set<String> ids(JsonNode page) {
    Set<String> ids = new HashSet<>();
    page.get("media").forEach(item -> ids.add(item.get("id").asText()));
    return ids;
  }

  private static Set<String> idsOf(java.util.function.Predicate<MediaItem> filter) {
    return COLLECTION.items().stream()
        .filter(filter)
        .map(MediaItem::id)
        .collect(Collectors.toSet());
  }

  private static LocalDate day(MediaItem item, ZoneOffset zone) {
    return LocalDate.ofInstant(item.createdAt(), zone);
  }

  @Test
  void dayFiltersCountDaysInTheConfiguredZone() throws Exception {
    ZoneOffset zone = ZoneOffset.ofHours(-8);
    LocalDate from = LocalDate.parse("2026-02-01");
    LocalDate to = LocalDate.parse("2026-02-20");
    try (CoreVizEmulator server = start(b -> b.dayZone(zone))) {
      JsonNode page = get(server, "recursive=true&limit=1000&dateFrom=" + from + "&dateTo=" + to);

      Set<String> expected = idsOf(i -> !day(i, zone).isBefore(from) && !day(i, zone).isAfter(to));
      assertThat(ids(page)).isEqualTo(expected);
      assertThat(expected)
          .as("the zone must make a difference for this test")
          .isNotEqualTo(
              idsOf(
                  i ->
                      !day(i, ZoneOffset.UTC).isBefore(from)
                          && !day(i, ZoneOffset.UTC).isAfter(to)));
    }
  }

  @Test
  void anExclusiveDateToLeavesOutItsOwnDay() throws Exception {
    LocalDate to = LocalDate.parse("2026-02-20");
    try (CoreVizEmulator server = start(CoreVizEmulator.Builder::exclusiveDateTo)) {
      JsonNode page = get(server, "recursive=true&limit=1000&dateTo=" + to);

      assertThat(ids(page)).isEqualTo(idsOf(i -> day(i, ZoneOffset.UTC).isBefore(to)));
    }
  }

  @Test
  void aCappedTotalKeepsHasMoreTrueWhileItemsFollow() throws Exception {
    int all = COLLECTION.items().size();
    try (CoreVizEmulator server = start(b -> b.totalCap(100))) {
      JsonNode early = get(server, "recursive=true&limit=50&offset=150");
      JsonNode last = get(server, "recursive=true&limit=50&offset=" + (all - 10));

      assertThat(early.get("pagination").get("total").asInt()).isEqualTo(100);
      assertThat(early.get("pagination").get("hasMore").asBoolean()).isTrue();
      assertThat(early.get("media")).hasSize(50);
      assertThat(last.get("media")).hasSize(10);
      assertThat(last.get("pagination").get("hasMore").asBoolean()).isFalse();
    }
  }

  @Test
  void anOverstatedTotalReportsMoreThanMatchAndHasMoreFollowsIt() throws Exception {
    int all = COLLECTION.items().size();
    try (CoreVizEmulator server = start(b -> b.overstatedTotal(40))) {
      JsonNode last = get(server, "recursive=true&limit=50&offset=" + (all - 10));
      JsonNode past = get(server, "recursive=true&limit=50&offset=" + all);
      JsonNode typed = get(server, "recursive=true&limit=5&type=video");

      assertThat(last.get("pagination").get("total").asInt()).isEqualTo(all + 40);
      assertThat(last.get("media")).hasSize(10);
      assertThat(last.get("pagination").get("hasMore").asBoolean())
          .as("hasMore follows the estimate, not the items")
          .isTrue();
      assertThat(past.get("media")).isEmpty();
      assertThat(past.get("pagination").get("hasMore").asBoolean()).isTrue();
      assertThat(typed.get("pagination").get("total").asInt())
          .isEqualTo(idsOf(i -> i.type().equals("video")).size() + 40);
    }
  }

  @Test
  void mediaIdCanIgnoreEveryOtherFilter() throws Exception {
    MediaItem video =
        COLLECTION.media().stream().filter(m -> m.type().equals("video")).findFirst().orElseThrow();
    String query = "recursive=true&type=image&dateTo=2000-01-01&mediaId=" + video.id();
    try (CoreVizEmulator strict = start(b -> b);
        CoreVizEmulator loose = start(CoreVizEmulator.Builder::mediaIdIgnoresFilters)) {
      assertThat(ids(get(strict, query))).isEmpty();
      assertThat(ids(get(loose, query))).containsExactly(video.id());
    }
  }

  @Test
  void aReflexiveSubtreeIncludesItsOwnFolder() throws Exception {
    MediaItem folder =
        COLLECTION.items().stream().filter(MediaItem::isFolder).findFirst().orElseThrow();
    String query = "recursive=true&limit=1000&path=" + folder.path();
    try (CoreVizEmulator strict = start(b -> b);
        CoreVizEmulator reflexive = start(CoreVizEmulator.Builder::reflexiveSubtree)) {
      Set<String> under = idsOf(i -> i.path().startsWith(folder.path() + "."));
      Set<String> withRoot = new HashSet<>(under);
      withRoot.add(folder.id());

      assertThat(ids(get(strict, query))).isEqualTo(under);
      assertThat(ids(get(reflexive, query))).isEqualTo(withRoot);
    }
  }

  @Test
  void aLocaleCollationSortsWithoutCaseAccentsOrPunctuation() throws Exception {
    try (CoreVizEmulator server = start(CoreVizEmulator.Builder::localeCollation)) {
      JsonNode page = get(server, "recursive=true&limit=1000&sortBy=name&sortDirection=asc");

      List<String> keys = new ArrayList<>();
      page.get("media").forEach(item -> keys.add(key(item.get("name").asText())));
      assertThat(keys).isSorted();
      List<String> names = new ArrayList<>();
      page.get("media").forEach(item -> names.add(item.get("name").asText()));
      assertThat(names)
          .as("differs from code point order")
          .isNotEqualTo(names.stream().sorted().toList());
    }
  }

  /** Letters and digits only, accents removed, lower case: the collation's first comparison. */
  private static String key(String name) {
    String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
    StringBuilder key = new StringBuilder();
    decomposed
        .codePoints()
        .filter(Character::isLetterOrDigit)
        .forEach(c -> key.appendCodePoint(Character.toLowerCase(c)));
    return key.toString();
  }

  @Test
  void unstableScoreTiesComeInANewOrderPerRequest() throws Exception {
    String query = "q=" + URLEncoder.encode("red shoe", StandardCharsets.UTF_8) + "&limit=1000";
    try (CoreVizEmulator server = start(b -> b.unstableScoreTies(5))) {
      List<String> first = new ArrayList<>();
      get(server, query).get("media").forEach(i -> first.add(i.get("id").asText()));
      List<String> second = new ArrayList<>();
      get(server, query).get("media").forEach(i -> second.add(i.get("id").asText()));

      assertThat(second).containsExactlyInAnyOrderElementsOf(first).isNotEqualTo(first);
    }
  }

  @Test
  void normalizedScoresDependOnWhatElseTheQueryMatches() throws Exception {
    String words = "q=" + URLEncoder.encode("red shoe", StandardCharsets.UTF_8) + "&limit=1000";
    try (CoreVizEmulator plain = start(b -> b);
        CoreVizEmulator normalized = start(CoreVizEmulator.Builder::normalizedScores)) {
      Map<String, Double> raw = scores(get(plain, words));
      Map<String, Double> all = scores(get(normalized, words));
      String best =
          raw.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      // The type the query's best item is not: its own best scores less.
      String other =
          COLLECTION.items().stream()
                  .filter(i -> i.id().equals(best))
                  .findFirst()
                  .orElseThrow()
                  .type()
                  .equals("image")
              ? "video"
              : "image";
      Map<String, Double> typed = scores(get(normalized, words + "&type=" + other));
      double highest = raw.get(best);
      double highestTyped =
          raw.entrySet().stream()
              .filter(e -> typed.containsKey(e.getKey()))
              .mapToDouble(Map.Entry::getValue)
              .max()
              .orElseThrow();

      assertThat(all.keySet()).isEqualTo(raw.keySet());
      raw.forEach(
          (id, score) -> assertThat(all.get(id)).as(id).isCloseTo(score / highest, within(1e-4)));
      typed.forEach(
          (id, score) ->
              assertThat(score).as(id).isCloseTo(raw.get(id) / highestTyped, within(1e-4)));
      assertThat(highestTyped)
          .as("the %ss' best is not the query's best", other)
          .isLessThan(highest);
    }
  }

  private static Map<String, Double> scores(JsonNode page) {
    Map<String, Double> scores = new java.util.HashMap<>();
    page.get("media").forEach(i -> scores.put(i.get("id").asText(), i.get("_score").asDouble()));
    return scores;
  }

  @Test
  void numbersCanArriveAsStrings() throws Exception {
    try (CoreVizEmulator server = start(CoreVizEmulator.Builder::numbersAsStrings)) {
      JsonNode page = get(server, "recursive=true&limit=1000&type=folder");
      JsonNode item = page.get("media").get(0);

      assertThat(page.get("pagination").get("total").isTextual()).isTrue();
      assertThat(item.get("sizeBytes").isTextual()).isTrue();
      assertThat(item.get("folderItemCount").isTextual()).isTrue();
      assertThat(item.get("totalVersions").isInt()).as("INTEGER stays a number").isTrue();
      assertThat(page.get("pagination").get("limit").isInt()).isTrue();
    }
  }
}
