package io.coreviz.emulator.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Loads a collection from a directory: each sub-directory becomes a folder, each image or video
 * file an item. An optional sidecar {@code <file>.json} next to a file supplies what a file cannot:
 *
 * <pre>{@code
 * {"createdAt": "2026-03-10T14:22:00Z", "status": "active",
 *  "tags": {"color": ["red"]}, "description": "…", "prompt": "…",
 *  "metadata": {"any": "extra keys"},
 *  "objects": [{"label": "shoe", "type": "object"}]}
 * }</pre>
 *
 * Without a sidecar, {@code createdAt} is the file's modification time and the item has no tags.
 * Images get one frame (the image itself) holding the sidecar's objects; videos get none.
 */
public final class DirectoryCollection {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> TYPES =
      Map.of(
          "jpg",
          "image/jpeg",
          "jpeg",
          "image/jpeg",
          "png",
          "image/png",
          "gif",
          "image/gif",
          "bmp",
          "image/bmp",
          "webp",
          "image/webp",
          "mp4",
          "video/mp4",
          "mov",
          "video/quicktime",
          "webm",
          "video/webm");

  private DirectoryCollection() {}

  /** Loads {@code root}; the collection id is derived from the directory's name. */
  public static MediaCollection load(Path root) {
    return load(root, Ids.of(root.toAbsolutePath().normalize().getFileName().toString()));
  }

  public static MediaCollection load(Path root, String collectionId) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a directory: " + root);
    }
    List<MediaItem> items = new ArrayList<>();
    Map<String, Blob> blobs = new HashMap<>();
    Map<Path, String> paths = new HashMap<>();
    paths.put(root, collectionId);
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path file : walk.sorted().toList()) {
        if (file.equals(root) || file.getFileName().toString().startsWith(".")) {
          continue;
        }
        String parent = paths.get(file.getParent());
        if (parent == null) {
          continue; // inside a hidden directory
        }
        String id = Ids.of(collectionId + "/" + root.relativize(file));
        if (Files.isDirectory(file)) {
          paths.put(file, parent + "." + id);
          Instant modified = Files.getLastModifiedTime(file).toInstant();
          items.add(MediaItem.folder(id, file.getFileName().toString(), parent, modified));
        } else {
          MediaItem item = file(file, id, parent, blobs);
          if (item != null) {
            items.add(item);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new MediaCollection(collectionId, items, blobs);
  }

  @SuppressWarnings("unchecked")
  private static MediaItem file(Path file, String id, String parent, Map<String, Blob> blobs)
      throws IOException {
    String name = file.getFileName().toString();
    String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String contentType = TYPES.get(ext);
    if (contentType == null) {
      return null;
    }
    Map<String, Object> sidecar = Map.of();
    Path sidecarFile = file.resolveSibling(name + ".json");
    if (Files.exists(sidecarFile)) {
      sidecar = JSON.readValue(sidecarFile.toFile(), Map.class);
    }
    String blobKey = "media/" + id + "." + ext;
    blobs.put(blobKey, new Blob(contentType, () -> read(file)));
    boolean video = contentType.startsWith("video/");
    Integer width = null;
    Integer height = null;
    if (!video) {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image != null) {
        width = image.getWidth();
        height = image.getHeight();
      }
    }
    Instant createdAt =
        sidecar.get("createdAt") instanceof String text
            ? Instant.parse(text)
            : Files.getLastModifiedTime(file).toInstant();
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (sidecar.get("metadata") instanceof Map<?, ?> extra) {
      metadata.putAll((Map<String, Object>) extra);
    }
    for (String key : List.of("tags", "description", "prompt")) {
      if (sidecar.containsKey(key)) {
        metadata.put(key, sidecar.get(key));
      }
    }
    List<Frame> frames = new ArrayList<>();
    if (!video) {
      List<DetectedObject> objects = new ArrayList<>();
      if (sidecar.get("objects") instanceof List<?> list) {
        int i = 0;
        for (Object entry : list) {
          Map<String, Object> object = (Map<String, Object>) entry;
          String label = String.valueOf(object.getOrDefault("label", "object"));
          objects.add(
              new DetectedObject(
                  Ids.of(id + "/object/" + i++),
                  String.valueOf(object.getOrDefault("type", "object")),
                  label,
                  null,
                  Ids.of("cluster/" + label),
                  Map.of()));
        }
      }
      frames.add(new Frame(Ids.of(id + "/frame"), "0", blobKey, width, height, objects));
    }
    return new MediaItem(
        id,
        name,
        video ? MediaItem.VIDEO : MediaItem.IMAGE,
        blobKey,
        parent + "." + id,
        createdAt,
        createdAt,
        width,
        height,
        null,
        Files.size(file),
        String.valueOf(sidecar.getOrDefault("status", "active")),
        metadata,
        1,
        frames.isEmpty() ? null : Ids.of(id + "/frameObject"),
        frames);
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
