package io.coreviz.emulator.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

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
  private final java.util.concurrent.atomic.AtomicLong version =
      new java.util.concurrent.atomic.AtomicLong();

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
    return List.copyOf(items);
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
