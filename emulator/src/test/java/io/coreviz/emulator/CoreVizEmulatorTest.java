package io.coreviz.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.data.DirectoryCollection;
import io.coreviz.emulator.data.ImageRenderer;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulator over HTTP, checked against expectations computed here from the stored items with the
 * rules of the API page (not with the emulator's own search code).
 */
class CoreVizEmulatorTest {

  private static final String KEY = "emulator-test-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static MediaCollection collection;
  private static MediaCollection other;
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    collection = SyntheticCollection.generate(3, 600);
    other = SyntheticCollection.generate(4, 3);
    server =
        CoreVizEmulator.builder()
            .collection(collection)
            .collection(other)
            .credential(KEY)
            .credential("limited", other.id())
            .maxLimit(200)
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private record Reply(int status, JsonNode body) {}

  private static Reply get(String collectionId, String query, String header, String value)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
            URI.create(server.baseUrl() + "/api/dataset/" + collectionId + "/media?" + query));
    if (header != null) {
      request.header(header, value);
    }
    HttpResponse<String> response =
        HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), JSON.readTree(response.body()));
  }

  private static JsonNode ok(String query) throws IOException, InterruptedException {
    Reply reply = get(collection.id(), query, "x-api-key", KEY);
    assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    return reply.body();
  }

  /** Every item of a query, paging with the server's cap. */
  private static List<JsonNode> all(String query) throws IOException, InterruptedException {
    List<JsonNode> items = new ArrayList<>();
    int offset = 0;
    while (true) {
      JsonNode page = ok(query + "&limit=200&offset=" + offset);
      page.get("media").forEach(items::add);
      offset += page.get("media").size();
      if (!page.get("pagination").get("hasMore").asBoolean()) {
        assertThat(items).hasSize(page.get("pagination").get("total").asInt());
        return items;
      }
    }
  }

  private static Set<String> ids(List<JsonNode> items) {
    return items.stream().map(item -> item.get("id").asText()).collect(Collectors.toSet());
  }

  private static Set<String> ids(java.util.function.Predicate<MediaItem> filter) {
    return collection.items().stream()
        .filter(filter)
        .map(MediaItem::id)
        .collect(Collectors.toSet());
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  @Test
  void anOverloadedServerAnswers429AboveItsCapacity() throws Exception {
    java.util.concurrent.atomic.AtomicInteger inFlight =
        new java.util.concurrent.atomic.AtomicInteger();
    server.faults(FaultInjector.overloadedAbove(2, java.time.Duration.ofMillis(300), inFlight));
    try {
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        sent.add(
            HTTP.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(
                            server.baseUrl()
                                + "/api/dataset/"
                                + collection.id()
                                + "/media?limit=1"))
                    .header("x-api-key", KEY)
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (var response : sent) {
        statuses.add(response.get().statusCode());
      }

      assertThat(statuses).containsOnly(200, 429);
      assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(2);
      assertThat(inFlight.get()).isZero();
    } finally {
      server.faults(FaultInjector.NONE);
    }
  }

  @Test
  void rootListsOneLevelByDefaultAndEverythingWhenRecursive() throws Exception {
    int depth = 2; // collectionId.itemId
    assertThat(ids(all("x=1"))).isEqualTo(ids(i -> i.path().split("\\.").length == depth));
    assertThat(ids(all("recursive=true"))).isEqualTo(ids(i -> true));
  }

  @Test
  void defaultPageIsTenNewestFirst() throws Exception {
    JsonNode page = ok("recursive=true");
    List<MediaItem> newest =
        collection.items().stream()
            .sorted(
                Comparator.comparing(MediaItem::createdAt).reversed().thenComparing(MediaItem::id))
            .limit(10)
            .toList();

    assertThat(page.get("pagination").toString())
        .isEqualTo(
            "{\"total\":"
                + collection.items().size()
                + ",\"limit\":10,\"offset\":0,\"hasMore\":true}");
    List<String> ids = new ArrayList<>();
    page.get("media").forEach(item -> ids.add(item.get("id").asText()));
    assertThat(ids).isEqualTo(newest.stream().map(MediaItem::id).toList());
  }

  @Test
  void limitAboveTheServerCapIsCappedAndReported() throws Exception {
    JsonNode page = ok("recursive=true&limit=500&offset=10");

    assertThat(page.get("media")).hasSize(200);
    assertThat(page.get("pagination").get("limit").asInt()).isEqualTo(200);
    assertThat(page.get("pagination").get("offset").asInt()).isEqualTo(10);
  }

  @Test
  void folderPathListsItsSubtree() throws Exception {
    MediaItem folder =
        collection.items().stream()
            .filter(MediaItem::isFolder)
            .max(
                Comparator.comparingLong(
                    f ->
                        collection.items().stream()
                            .filter(i -> i.path().startsWith(f.path() + "."))
                            .count()))
            .orElseThrow();

    assertThat(ids(all("path=" + folder.path())))
        .isEqualTo(ids(i -> i.parentPath().equals(folder.path())));
    assertThat(ids(all("path=" + folder.path() + "&recursive=true")))
        .isEqualTo(ids(i -> i.path().startsWith(folder.path() + ".")));
  }

  @Test
  void typeAndInclusiveUtcDayRangeFilter() throws Exception {
    LocalDate from = LocalDate.parse("2026-02-01");
    LocalDate to = LocalDate.parse("2026-02-10");

    List<JsonNode> items = all("recursive=true&type=image&dateFrom=" + from + "&dateTo=" + to);

    assertThat(ids(items))
        .isNotEmpty()
        .isEqualTo(
            ids(
                i ->
                    i.type().equals("image")
                        && !LocalDate.ofInstant(i.createdAt(), ZoneOffset.UTC).isBefore(from)
                        && !LocalDate.ofInstant(i.createdAt(), ZoneOffset.UTC).isAfter(to)));
  }

  @Test
  void tagFiltersAreAndBetweenGroupsAndOrWithin() throws Exception {
    String filter = "{\"color\":[\"red\",\"blue\"],\"season\":[\"summer\"]}";

    List<JsonNode> items = all("recursive=true&tagFilters=" + encode(filter));

    assertThat(ids(items))
        .isNotEmpty()
        .isEqualTo(
            ids(
                i ->
                    (i.tags().getOrDefault("color", List.of()).contains("red")
                            || i.tags().getOrDefault("color", List.of()).contains("blue"))
                        && i.tags().getOrDefault("season", List.of()).contains("summer")));
  }

  @Test
  void legacyTagsMatchAnyValueInAnyGroup() throws Exception {
    assertThat(ids(all("recursive=true&tags=drone,winter")))
        .isNotEmpty()
        .isEqualTo(
            ids(
                i ->
                    i.tags().values().stream()
                        .flatMap(List::stream)
                        .anyMatch(t -> t.equals("drone") || t.equals("winter"))));
  }

  @Test
  void mediaIdAndClusterIdSelect() throws Exception {
    MediaItem item = collection.media().get(17);
    String cluster =
        collection.media().stream()
            .flatMap(m -> m.frames().stream())
            .flatMap(f -> f.objects().stream())
            .findFirst()
            .orElseThrow()
            .clusterId();

    assertThat(ids(all("recursive=true&mediaId=" + item.id()))).containsExactly(item.id());
    assertThat(ids(all("recursive=true&clusterId=" + cluster)))
        .isNotEmpty()
        .isEqualTo(
            ids(
                i ->
                    i.frames().stream()
                        .flatMap(f -> f.objects().stream())
                        .anyMatch(o -> o.clusterId().equals(cluster))));
  }

  @Test
  void sortingByNameIsByCodePointAndNullDescriptionsSortLastAscending() throws Exception {
    List<String> names = new ArrayList<>();
    all("recursive=true&sortBy=name&sortDirection=asc")
        .forEach(i -> names.add(i.get("name").asText()));
    List<String> expected =
        collection.items().stream()
            .map(MediaItem::name)
            .sorted((a, b) -> Arrays.compare(a.codePoints().toArray(), b.codePoints().toArray()))
            .toList();
    assertThat(names).isEqualTo(expected);

    List<JsonNode> ascending = all("recursive=true&sortBy=description&sortDirection=asc");
    List<JsonNode> descending = all("recursive=true&sortBy=description&sortDirection=desc");
    assertThat(ascending.get(0).get("metadata").path("description").isTextual()).isTrue();
    assertThat(ascending.get(ascending.size() - 1).get("metadata").path("description").isTextual())
        .isFalse();
    assertThat(descending.get(0).get("metadata").path("description").isTextual()).isFalse();
  }

  @Test
  void textSearchIsScoredRankedAndAboveMinScore() throws Exception {
    List<JsonNode> hits = all("q=" + encode("cat chair") + "&minScore=0.3");

    assertThat(hits).isNotEmpty();
    double previous = Double.MAX_VALUE;
    for (JsonNode hit : hits) {
      double score = hit.get("_score").asDouble();
      assertThat(score).isBetween(0.3, 1.0).isLessThanOrEqualTo(previous);
      assertThat(hit.get("type").asText()).isNotEqualTo("folder");
      assertThat(hit.has("_matchingFrames")).isTrue();
      previous = score;
    }
  }

  @Test
  void similarityRanksTheAnchorsOwnItemFirst() throws Exception {
    MediaItem item =
        collection.media().stream()
            .filter(
                m ->
                    m.frames().stream()
                        .anyMatch(
                            f -> f.objects().stream().anyMatch(o -> o.type().equals("object"))))
            .findFirst()
            .orElseThrow();
    String object =
        item.frames().stream()
            .flatMap(f -> f.objects().stream())
            .filter(o -> o.type().equals("object"))
            .findFirst()
            .orElseThrow()
            .id();

    JsonNode first =
        ok("similarToObjectId=" + object + "&similarToObjectModel=objects&limit=1")
            .get("media")
            .get(0);

    assertThat(first.get("_score").asDouble()).isGreaterThan(0.999);
    assertThat(first.get("frames").toString()).contains(object);
  }

  @Test
  void browseItemsHaveNoScoreAndFoldersCountTheirMedia() throws Exception {
    for (JsonNode item : all("recursive=true&type=folder")) {
      String path = item.get("path").asText();
      long count =
          collection.items().stream()
              .filter(i -> !i.isFolder() && i.path().startsWith(path + "."))
              .count();
      assertThat(item.get("blob").asText()).isEqualTo("folder");
      assertThat(item.get("folderItemCount").asLong()).isEqualTo(count);
      assertThat(item.get("folderPreviews").size()).isEqualTo((int) Math.min(3, count));
      assertThat(item.has("_score")).isFalse();
    }
  }

  @Test
  void folderPreviewsAreItsOldestMediaAndCountsFollowChanges() throws Exception {
    MediaCollection changing = SyntheticCollection.generate(9, 60);
    MediaItem folder =
        changing.items().stream()
            .filter(MediaItem::isFolder)
            .filter(
                f ->
                    changing.items().stream()
                        .anyMatch(i -> !i.isFolder() && i.parentPath().equals(f.path())))
            .findFirst()
            .orElseThrow();
    java.util.function.Supplier<List<MediaItem>> under =
        () ->
            changing.items().stream()
                .filter(i -> !i.isFolder() && i.path().startsWith(folder.path() + "."))
                .sorted(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id))
                .toList();
    try (CoreVizEmulator local =
        CoreVizEmulator.builder().collection(changing).credential(KEY).start()) {
      java.util.function.Supplier<JsonNode> listed =
          () -> {
            for (JsonNode item :
                media(local, changing, "recursive=true&type=folder&limit=100").get("media")) {
              if (item.get("id").asText().equals(folder.id())) {
                return item;
              }
            }
            throw new AssertionError("folder " + folder.id() + " not listed");
          };
      List<MediaItem> before = under.get();
      JsonNode item = listed.get();
      assertThat(item.get("folderItemCount").asInt()).isEqualTo(before.size());
      for (int i = 0; i < item.get("folderPreviews").size(); i++) {
        assertThat(item.get("folderPreviews").get(i).asText()).endsWith(before.get(i).blobKey());
      }

      MediaItem oldest = before.get(0);
      MediaItem added =
          before.get(before.size() - 1).withCreatedAt(oldest.createdAt().minusSeconds(1));
      changing.remove(added.id());
      changing.add(added, Map.of());
      JsonNode after = listed.get();
      assertThat(after.get("folderItemCount").asInt()).isEqualTo(before.size());
      assertThat(after.get("folderPreviews").get(0).asText()).endsWith(added.blobKey());
      changing.remove(oldest.id());
      assertThat(listed.get().get("folderItemCount").asInt()).isEqualTo(before.size() - 1);
    }
  }

  @Test
  void timestampsHaveMillisecondsAsTheServiceWritesThem() {
    assertThat(
            io.coreviz.emulator.api.MediaJson.timestamp(
                java.time.Instant.parse("2026-03-10T14:22:00Z")))
        .isEqualTo("2026-03-10T14:22:00.000Z");
    assertThat(
            io.coreviz.emulator.api.MediaJson.timestamp(
                java.time.Instant.parse("2026-03-10T14:22:05.123999Z")))
        .isEqualTo("2026-03-10T14:22:05.123Z");
  }

  @Test
  void authenticationAndAccessErrors() throws Exception {
    assertThat(get(collection.id(), "", null, null).status()).isEqualTo(401);
    assertThat(get(collection.id(), "", "x-api-key", "nope").status()).isEqualTo(401);
    assertThat(get(collection.id(), "", "x-api-key", "limited").status()).isEqualTo(403);
    assertThat(get(other.id(), "", "x-api-key", "limited").status()).isEqualTo(200);
    assertThat(get(collection.id(), "", "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
    Reply missing = get("ffffffffffffffffffffffffffffffff", "", "x-api-key", KEY);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.body().get("error").asText()).isEqualTo("Collection not found");
  }

  @Test
  void invalidParametersAre400WithAReason() throws Exception {
    Map<String, String> cases =
        Map.of(
            "dateFrom=2026-3-1",
            "dateFrom",
            "dateTo=2026-02-30",
            "dateTo",
            "tagFilters=" + encode("{color:[red]}"),
            "tagFilters",
            "tagFilters=" + encode("{\"color\":\"red\"}"),
            "tagFilters",
            "type=photo",
            "type",
            "limit=0",
            "limit",
            "offset=-1",
            "offset",
            "sortBy=size",
            "sortBy",
            "recursive=yes",
            "recursive",
            "q=x&minScore=high",
            "minScore");
    for (Map.Entry<String, String> bad : cases.entrySet()) {
      Reply reply = get(collection.id(), bad.getKey(), "x-api-key", KEY);
      assertThat(reply.status()).as(bad.getKey()).isEqualTo(400);
      assertThat(reply.body().get("error").asText()).as(bad.getKey()).contains(bad.getValue());
    }
  }

  @Test
  void blobUrlsServeImagesOfTheStatedSize() throws Exception {
    List<JsonNode> images = all("recursive=true&type=image").subList(0, 5);
    for (JsonNode item : images) {
      HttpResponse<byte[]> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(item.get("blob").asText())).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(image).as(item.get("blob").asText()).isNotNull();
      if (!item.get("width").isNull()) {
        assertThat(image.getWidth()).isEqualTo(item.get("width").asInt());
        assertThat(image.getHeight()).isEqualTo(item.get("height").asInt());
      }
    }
  }

  @Test
  void aMeasuredCollectionListsEachFileSizeAsItsBlobsLength() throws Exception {
    MediaCollection generated = SyntheticCollection.generate(6, 80);
    Map<String, Long> drawn = new java.util.HashMap<>();
    generated.media().forEach(item -> drawn.put(item.id(), item.sizeBytes()));
    MediaCollection measured = generated.measureSizes();
    try (CoreVizEmulator own =
        CoreVizEmulator.builder().collection(measured).credential(KEY).start()) {
      HttpResponse<String> page =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          own.baseUrl()
                              + "/api/dataset/"
                              + measured.id()
                              + "/media?recursive=true&limit=200"))
                  .header("x-api-key", KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      int compared = 0;
      for (JsonNode item : JSON.readTree(page.body()).get("media")) {
        if (item.get("type").asText().equals(MediaItem.FOLDER)) {
          continue;
        }
        long listed = item.get("sizeBytes").asLong();
        if (drawn.get(item.get("id").asText()) == 0) {
          assertThat(listed).as("a size not recorded stays 0").isZero();
          continue;
        }
        HttpResponse<byte[]> blob =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(item.get("blob").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(listed).as(item.get("blob").asText()).isEqualTo(blob.body().length);
        // The measured bytes are kept and served as they are, not rendered again.
        byte[] kept =
            measured.blob(blobKey(measured, item.get("id").asText())).orElseThrow().bytes().get();
        assertThat(kept)
            .isSameAs(
                measured
                    .blob(blobKey(measured, item.get("id").asText()))
                    .orElseThrow()
                    .bytes()
                    .get());
        assertThat(blob.body()).isEqualTo(kept);
        compared++;
      }
      assertThat(compared).isGreaterThan(40);
    }
  }

  private static String blobKey(MediaCollection collection, String id) {
    return collection.items().stream()
        .filter(item -> item.id().equals(id))
        .findFirst()
        .orElseThrow()
        .blobKey();
  }

  @Test
  void requestsAreRecordedWithoutCredentialsAndFaultsCanBeInjected() throws Exception {
    server.clearRequests();
    server.faults(FaultInjector.everyNth(2, FaultInjector.tooManyRequests(3)));
    try {
      assertThat(get(collection.id(), "type=video&limit=3", "x-api-key", KEY).status())
          .isEqualTo(200);
      assertThat(get(collection.id(), "type=video&limit=3", "x-api-key", KEY).status())
          .isEqualTo(429);
    } finally {
      server.faults(FaultInjector.NONE);
    }
    List<RecordedRequest> log = server.mediaRequests();
    assertThat(log).hasSize(2);
    assertThat(log.get(0).query()).isEqualTo(Map.of("type", "video", "limit", "3"));
    assertThat(log.get(0).authScheme()).isEqualTo("x-api-key");
    assertThat(log).extracting(RecordedRequest::status).containsExactly(200, 429);
    assertThat(log.toString()).doesNotContain(KEY);
  }

  @Test
  void directoryCollectionsServeFilesFoldersAndSidecars(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("shoes"));
    Files.write(dir.resolve("a.png"), ImageRenderer.render(1, 40, 30, "png"));
    Files.write(dir.resolve("shoes/b.jpg"), ImageRenderer.render(2, 20, 10, "jpg"));
    Files.writeString(
        dir.resolve("shoes/b.jpg.json"),
        """
        {"createdAt": "2026-03-10T14:22:00Z", "tags": {"color": ["red"]},
         "objects": [{"label": "shoe"}]}""");
    MediaCollection loaded = DirectoryCollection.load(dir);
    try (CoreVizEmulator local = CoreVizEmulator.builder().collection(loaded).start()) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          local.baseUrl()
                              + "/api/dataset/"
                              + loaded.id()
                              + "/media?recursive=true&sortBy=name&sortDirection=asc"))
                  .header("x-api-key", "anything")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode media = JSON.readTree(response.body()).get("media");

      assertThat(media).hasSize(3);
      assertThat(media.get(0).get("name").asText()).isEqualTo("a.png");
      assertThat(media.get(0).get("width").asInt()).isEqualTo(40);
      assertThat(media.get(1).get("name").asText()).isEqualTo("b.jpg");
      assertThat(media.get(1).get("createdAt").asText()).isEqualTo("2026-03-10T14:22:00.000Z");
      assertThat(media.get(1).get("metadata").get("tags").toString())
          .isEqualTo("{\"color\":[\"red\"]}");
      assertThat(media.get(1).get("frames").get(0).get("objects").get(0).get("label").asText())
          .isEqualTo("shoe");
      assertThat(media.get(2).get("type").asText()).isEqualTo("folder");
      assertThat(media.get(2).get("folderItemCount").asInt()).isEqualTo(1);
      assertThat(new HashSet<>(List.of(media.get(1).get("path").asText().split("\\."))))
          .contains(media.get(2).get("id").asText());
    }
  }

  @Test
  void pagesOfOneQuerySeeItemsAddedAndRemovedBetweenThem() throws Exception {
    MediaCollection changing = SyntheticCollection.generate(5, 40);
    try (CoreVizEmulator local =
        CoreVizEmulator.builder().collection(changing).credential(KEY).start()) {
      String query = "recursive=true&sortBy=createdAt&sortDirection=asc&limit=5&offset=";
      java.util.function.IntFunction<JsonNode> page =
          offset -> media(local, changing, query + offset);
      List<MediaItem> sorted =
          changing.items().stream()
              .sorted(Comparator.comparing(MediaItem::createdAt).thenComparing(MediaItem::id))
              .toList();
      long total = page.apply(0).at("/pagination/total").asLong();
      assertThat(page.apply(5).at("/media/0/id").asText()).isEqualTo(sorted.get(5).id());

      changing.remove(sorted.get(0).id());

      JsonNode after = page.apply(5);
      assertThat(after.at("/pagination/total").asLong()).isEqualTo(total - 1);
      assertThat(after.at("/media/0/id").asText()).isEqualTo(sorted.get(6).id());

      MediaItem added = sorted.get(1).withCreatedAt(sorted.get(0).createdAt().minusSeconds(1));
      changing.remove(added.id());
      changing.add(added, Map.of());
      assertThat(page.apply(0).at("/media/0/id").asText()).isEqualTo(added.id());
    }
  }

  @Test
  void createdAtOrderIsByTimeThenIdEachWayFilteredAndAfterChanges() throws Exception {
    MediaCollection tied = SyntheticCollection.generate(6, 60);
    // A third of the media share three instants, so ties by id decide much of the order.
    List<MediaItem> media = tied.items().stream().filter(item -> !item.isFolder()).toList();
    for (int i = 0; i < media.size(); i += 3) {
      tied.remove(media.get(i).id());
      tied.add(media.get(i).withCreatedAt(media.get(i % 9).createdAt()), Map.of());
    }
    MediaItem folder = tied.items().stream().filter(MediaItem::isFolder).findFirst().orElseThrow();
    try (CoreVizEmulator local =
        CoreVizEmulator.builder().collection(tied).credential(KEY).start()) {
      for (int round = 0; round < 2; round++) {
        for (String direction : List.of("asc", "desc")) {
          Comparator<MediaItem> byTime = Comparator.comparing(MediaItem::createdAt);
          Comparator<MediaItem> order =
              (direction.equals("asc") ? byTime : byTime.reversed()).thenComparing(MediaItem::id);
          String sorted = "recursive=true&sortBy=createdAt&sortDirection=" + direction;
          assertThat(allIds(local, tied, sorted))
              .isEqualTo(tied.items().stream().sorted(order).map(MediaItem::id).toList());
          assertThat(allIds(local, tied, sorted + "&type=image&path=" + folder.path()))
              .isNotEmpty()
              .isEqualTo(
                  tied.items().stream()
                      .filter(i -> i.type().equals("image"))
                      .filter(i -> i.path().startsWith(folder.path() + "."))
                      .sorted(order)
                      .map(MediaItem::id)
                      .toList());
        }
        // An item added at a tied instant takes its place by id in the next answers.
        MediaItem moved = media.get(1).withCreatedAt(media.get(0).createdAt());
        tied.remove(moved.id());
        tied.add(moved, Map.of());
      }
    }
  }

  /** The ids of every item of {@code query}, page after page. */
  private static List<String> allIds(
      CoreVizEmulator server, MediaCollection collection, String query) {
    List<String> ids = new ArrayList<>();
    while (true) {
      JsonNode page = media(server, collection, query + "&limit=25&offset=" + ids.size());
      page.get("media").forEach(item -> ids.add(item.get("id").asText()));
      if (!page.at("/pagination/hasMore").asBoolean()) {
        return ids;
      }
    }
  }

  /**
   * The JSON answer of {@code server} to a media request of {@code collection} with {@code query}.
   */
  private static JsonNode media(CoreVizEmulator server, MediaCollection collection, String query) {
    try {
      HttpResponse<String> reply =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create(
                          server.baseUrl() + "/api/dataset/" + collection.id() + "/media?" + query))
                  .header("x-api-key", KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(reply.body());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
