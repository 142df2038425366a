package io.coreviz.emulator.model;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One row of a collection: an image, a video or a folder.
 *
 * @param path the item's ltree path, ending with its own id (e.g. {@code coll.folder.item})
 * @param blobKey key of the file bytes served under {@code /blobs/}; {@code null} for folders,
 *     whose API {@code blob} is the literal {@code "folder"}
 * @param metadata the JSONB metadata object as sent by the API: {@code tags} (group to values),
 *     {@code description}, {@code prompt}, {@code moderation}, or anything else; may be {@code
 *     null}
 */
public record MediaItem(
    String id,
    String name,
    String type,
    String blobKey,
    String path,
    Instant createdAt,
    Instant updatedAt,
    Integer width,
    Integer height,
    Double duration,
    long sizeBytes,
    String status,
    Map<String, Object> metadata,
    int totalVersions,
    String frameObjectId,
    List<Frame> frames) {

  public static final String IMAGE = "image";
  public static final String VIDEO = "video";
  public static final String FOLDER = "folder";

  public MediaItem {
    frames = List.copyOf(frames);
    metadata = metadata == null ? null : Collections.unmodifiableMap(metadata);
  }

  /** A folder item: no blob, size or frames; {@code parentPath} is where it lives. */
  public static MediaItem folder(String id, String name, String parentPath, Instant createdAt) {
    return new MediaItem(
        id,
        name,
        FOLDER,
        null,
        parentPath + "." + id,
        createdAt,
        createdAt,
        null,
        null,
        null,
        0,
        "active",
        Map.of(),
        1,
        null,
        List.of());
  }

  /** This item as if created (and last updated) at {@code instant}. */
  public MediaItem withCreatedAt(Instant instant) {
    return with(path, instant, instant, width, height, sizeBytes);
  }

  /** This item moved to {@code path} (its own label last, as every path ends). */
  public MediaItem withPath(String path) {
    return with(path, createdAt, updatedAt, width, height, sizeBytes);
  }

  /** This item with {@code sizeBytes} as its file size. */
  public MediaItem withSizeBytes(long sizeBytes) {
    return with(path, createdAt, updatedAt, width, height, sizeBytes);
  }

  /** This item with {@code width} and {@code height} (null: not recorded) as its dimensions. */
  public MediaItem withDimensions(Integer width, Integer height) {
    return with(path, createdAt, updatedAt, width, height, sizeBytes);
  }

  private MediaItem with(
      String path,
      Instant createdAt,
      Instant updatedAt,
      Integer width,
      Integer height,
      long sizeBytes) {
    return new MediaItem(
        id,
        name,
        type,
        blobKey,
        path,
        createdAt,
        updatedAt,
        width,
        height,
        duration,
        sizeBytes,
        status,
        metadata,
        totalVersions,
        frameObjectId,
        frames);
  }

  public boolean isFolder() {
    return FOLDER.equals(type);
  }

  /** Tag groups of this item; empty when metadata or its {@code tags} is absent. */
  @SuppressWarnings("unchecked")
  public Map<String, List<String>> tags() {
    Object tags = metadata == null ? null : metadata.get("tags");
    return tags instanceof Map<?, ?> map ? (Map<String, List<String>>) map : Map.of();
  }

  public String description() {
    return metadataText("description");
  }

  public String prompt() {
    return metadataText("prompt");
  }

  private String metadataText(String key) {
    Object value = metadata == null ? null : metadata.get(key);
    return value instanceof String text ? text : null;
  }

  /** The ltree path of the folder holding this item. */
  public String parentPath() {
    return path.substring(0, path.lastIndexOf('.'));
  }
}
