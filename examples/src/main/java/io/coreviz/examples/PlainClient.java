package io.coreviz.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a data engineer would write instead of the connector, sharing nothing with it: the JDK's
 * {@link HttpClient} with its own connection pool, {@code inFlight} requests at once over the
 * offset pages of the whole collection, each page parsed into a Jackson tree. The reference the
 * benchmarks measure the connector against.
 */
public final class PlainClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final String endpoint;
  private final String key;
  private final String collectionId;
  private final int pageSize;
  private final int inFlight;
  private final String params;

  public PlainClient(String endpoint, String key, String collectionId, int pageSize, int inFlight) {
    this(endpoint, key, collectionId, pageSize, inFlight, "");
  }

  private PlainClient(
      String endpoint, String key, String collectionId, int pageSize, int inFlight, String params) {
    this.endpoint = endpoint;
    this.key = key;
    this.collectionId = collectionId;
    this.pageSize = pageSize;
    this.inFlight = inFlight;
    this.params = params;
  }

  /** The same client with more query parameters, e.g. {@code &q=red+shoe}, URL-encoded. */
  PlainClient with(String encodedParams) {
    return new PlainClient(endpoint, key, collectionId, pageSize, inFlight, params + encodedParams);
  }

  /** Reads every item of the collection; returns how many there were. */
  public long readAll() throws Exception {
    AtomicLong items = new AtomicLong();
    forEachPage(page -> items.addAndGet(page.get("media").size()));
    return items.get();
  }

  /**
   * Lists every item, then downloads each item's blob, {@code inFlight} at a time: what a data
   * engineer's downloader does. Returns the blobs downloaded and their bytes in all.
   */
  public long[] downloadAll() throws Exception {
    List<String> urls = java.util.Collections.synchronizedList(new ArrayList<>());
    forEachPage(page -> page.get("media").forEach(item -> urls.add(item.get("blob").asText())));
    Semaphore slots = new Semaphore(inFlight);
    AtomicLong bytes = new AtomicLong();
    List<CompletableFuture<?>> blobs = new ArrayList<>();
    for (String url : urls) {
      slots.acquire();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
      if (url.startsWith(endpoint + "/")) {
        request.header("x-api-key", key); // the API's own host only
      }
      blobs.add(
          http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
              .whenComplete(
                  (response, error) -> {
                    slots.release();
                    if (response != null && response.statusCode() == 200) {
                      bytes.addAndGet(response.body().length);
                    }
                  }));
    }
    CompletableFuture.allOf(blobs.toArray(new CompletableFuture<?>[0])).get();
    return new long[] {urls.size(), bytes.get()};
  }

  /** How many items the listing has: {@code pagination.total} of a one-item page. */
  long total() throws Exception {
    return JSON.readTree(body(0, 1).get()).get("pagination").get("total").asLong();
  }

  /** Every page of the listing, {@code inFlight} at a time, each given to {@code each} once. */
  private void forEachPage(java.util.function.Consumer<JsonNode> each) throws Exception {
    JsonNode first = page(0).get();
    each.accept(first);
    long total = first.get("pagination").get("total").asLong();
    Semaphore slots = new Semaphore(inFlight);
    List<CompletableFuture<?>> pages = new ArrayList<>();
    for (long offset = pageSize; offset < total; offset += pageSize) {
      slots.acquire();
      pages.add(
          page(offset)
              .whenComplete(
                  (page, error) -> {
                    slots.release();
                    if (page != null) {
                      each.accept(page);
                    }
                  }));
    }
    CompletableFuture.allOf(pages.toArray(new CompletableFuture<?>[0])).get();
  }

  private CompletableFuture<JsonNode> page(long offset) {
    return body(offset, pageSize)
        .thenApply(
            body -> {
              try {
                return JSON.readTree(body);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
  }

  /** The body of the listing's page of {@code limit} items from {@code offset}, status 200. */
  CompletableFuture<byte[]> body(long offset, int limit) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    endpoint
                        + "/api/dataset/"
                        + collectionId
                        + "/media?recursive=true&sortBy=createdAt&sortDirection=asc&limit="
                        + limit
                        + "&offset="
                        + offset
                        + params))
            .header("x-api-key", key)
            .timeout(Duration.ofSeconds(60))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " at " + offset);
              }
              return response.body();
            });
  }
}
