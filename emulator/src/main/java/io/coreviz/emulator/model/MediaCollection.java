package io.coreviz.emulator.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A collection (CoreViz calls it a dataset): its items and the blobs they point to.
 *
 * <p>Items can be added and removed while the server runs, so tests can change a collection in the
 * middle of a scan; reads see a consistent snapshot.
 */
public final class MediaCollection {

  private final String id;
  private final List<MediaItem> items;
  private final Map<String, Blob> blobs;
  private final AtomicLong version = new AtomicLong();
  private volatile Snapshot snapshot;

  /**
   * What reads see at one version: the items, and, once a folder is written, the media under each
   * folder oldest first, so a page of folders is written without a pass over the collection per
   * folder; once asked for, the items in creation order each way, as a service's index on {@code
   * createdAt} keeps them, so a query in that order is a filter, not a sort.
   */
  private static final class Snapshot {
    final long version;
    final List<MediaItem> items;
    private volatile Map<String, List<MediaItem>> mediaUnder;
    private volatile List<MediaItem> oldestFirst;
    private volatile List<MediaItem> newestFirst;

    Snapshot(long version, List<MediaItem> items) {
      this.version = version;
      this.items = List.copyOf(items);
    }

    /** Built on first use (two threads may both build it: the same map). */
    Map<String, List<MediaItem>> mediaUnder() {
      Map<String, List<MediaItem>> known = mediaUnder;
      if (known == null) {
        Map<String, List<MediaItem>> under = new HashMap<>();
        for (MediaItem item : byCreation(true)) {
          if (item.isFolder()) {
            continue;
          }
          String path = item.path();
          for (int dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', dot + 1)) {
            under.computeIfAbsent(path.substring(0, dot), folder -> new ArrayList<>()).add(item);
          }
        }
        under.replaceAll((folder, media) -> List.copyOf(media));
        known = Map.copyOf(under);
        mediaUnder = known;
      }
      return known;
    }

    /** Built on first use (two threads may both build it: the same list). */
    List<MediaItem> byCreation(boolean ascending) {
      List<MediaItem> known = ascending ? oldestFirst : newestFirst;
      if (known == null) {
        known = items.stream().sorted(creationOrder(ascending)).toList();
        if (ascending) {
          oldestFirst = known;
        } else {
          newestFirst = known;
        }
      }
      return known;
    }
  }

  /**
   * By {@code createdAt}, ascending or not, a missing one as the largest value (last ascending,
   * first descending, as PostgreSQL sorts nulls), ties by id.
   */
  private static Comparator<MediaItem> creationOrder(boolean ascending) {
    Comparator<Instant> instants = Comparator.nullsLast(Comparator.<Instant>naturalOrder());
    return Comparator.comparing(MediaItem::createdAt, ascending ? instants : instants.reversed())
        .thenComparing(MediaItem::id);
  }

  public MediaCollection(String id, List<MediaItem> items, Map<String, Blob> blobs) {
    if (!id.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("collection id must be 32 lowercase hex digits: " + id);
    }
    this.id = id;
    this.items = new CopyOnWriteArrayList<>(items);
    this.blobs = Collections.synchronizedMap(new HashMap<>(blobs));
  }

  public String id() {
    return id;
  }

  /** A snapshot of all items, folders included, in insertion order. */
  public List<MediaItem> items() {
    return snapshot().items;
  }

  /** Images and videos anywhere under the folder at {@code path} (not itself), oldest first. */
  public List<MediaItem> mediaUnder(String path) {
    return snapshot().mediaUnder().getOrDefault(path, List.of());
  }

  /**
   * A snapshot of all items, folders included, by {@link #creationOrder}: computed once per
   * version, so a query sorted by {@code createdAt} is answered without sorting.
   */
  public List<MediaItem> byCreation(boolean ascending) {
    return snapshot().byCreation(ascending);
  }

  private Snapshot snapshot() {
    // The version is read first: a change that lands while the snapshot is taken moves the version
    // on, so the next read takes a new one.
    long now = version.get();
    Snapshot current = snapshot;
    if (current == null || current.version != now) {
      current = new Snapshot(now, items);
      snapshot = current;
    }
    return current;
  }

  public Optional<MediaItem> item(String itemId) {
    return items.stream().filter(item -> item.id().equals(itemId)).findFirst();
  }

  public Optional<DetectedObject> object(String objectId) {
    for (MediaItem item : items) {
      for (Frame frame : item.frames()) {
        for (DetectedObject object : frame.objects()) {
          if (object.id().equals(objectId)) {
            return Optional.of(object);
          }
        }
      }
    }
    return Optional.empty();
  }

  public Optional<Blob> blob(String key) {
    return Optional.ofNullable(blobs.get(key));
  }

  public void add(MediaItem item, Map<String, Blob> itemBlobs) {
    blobs.putAll(itemBlobs);
    items.add(item);
    version.incrementAndGet();
  }

  /**
   * Gives every image and video the length of its blob's bytes as its {@code sizeBytes}, as a real
   * store reports a file's size. A generated collection's sizes are drawn at random, since
   * measuring means rendering every blob, which a large collection's listing cannot wait for; a
   * collection whose blobs are checked against their metadata is measured first. Items without a
   * blob, and items whose size is 0 (not recorded), keep theirs. Renders each blob once, in
   * parallel, and keeps the bytes, as a store serves stored files: serving a measured collection's
   * blobs renders nothing again (the quality job's 1,500-item sample holds about 18 MB).
   */
  public MediaCollection measureSizes() {
    Map<String, Long> sizes = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Blob> kept = new java.util.concurrent.ConcurrentHashMap<>();
    items.parallelStream()
        .filter(item -> !item.isFolder() && item.sizeBytes() > 0 && item.blobKey() != null)
        .forEach(
            item ->
                blob(item.blobKey())
                    .ifPresent(
                        blob -> {
                          byte[] bytes = blob.bytes().get();
                          kept.put(item.blobKey(), new Blob(blob.contentType(), () -> bytes));
                          sizes.put(item.id(), (long) bytes.length);
                        }));
    blobs.putAll(kept);
    items.replaceAll(
        item -> sizes.containsKey(item.id()) ? item.withSizeBytes(sizes.get(item.id())) : item);
    version.incrementAndGet();
    return this;
  }

  public boolean remove(String itemId) {
    boolean removed = items.removeIf(item -> item.id().equals(itemId));
    version.incrementAndGet();
    return removed;
  }

  /**
   * Changes every time an item is added or removed: results computed at one version hold for every
   * read at the same version.
   */
  public long version() {
    return version.get();
  }

  /** Items of type image or video, folders excluded. */
  public List<MediaItem> media() {
    List<MediaItem> media = new ArrayList<>();
    for (MediaItem item : items) {
      if (!item.isFolder()) {
        media.add(item);
      }
    }
    return media;
  }
}
