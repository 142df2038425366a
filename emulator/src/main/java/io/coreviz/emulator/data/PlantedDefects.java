package io.coreviz.emulator.data;

import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/**
 * Known defects added to a collection as new images, created after all others, so a checker can be
 * held to ground truth that does not come from the checker: blobs that 404, truncated image bytes,
 * an image whose metadata gives other dimensions than its bytes, one whose size is not its blob's
 * length (the others' sizes are their blobs' lengths: measure the collection's own first, {@link
 * io.coreviz.emulator.model.MediaCollection#measureSizes}), exact copies (the same bytes), and near
 * copies of one picture (re-encoded in the other format, resized to half, cropped by 4% on each
 * side).
 *
 * @param broken per reason ({@code blob_unavailable}, {@code blob_undecodable}, {@code
 *     dimensions_mismatch}, {@code size_mismatch}), the ids planted with it
 * @param exactSets sets of ids whose blobs are the same bytes (an original and its copy)
 * @param nearSets sets of ids showing the same picture in other bytes (an original and its three
 *     variants)
 */
public record PlantedDefects(
    Map<String, Set<String>> broken, List<Set<String>> exactSets, List<Set<String>> nearSets) {

  /**
   * Adds {@code perKind} items of each kind of defect to {@code collection}, built from its images
   * (jpg or png with dimensions, picked by {@code seed}), and says which.
   */
  public static PlantedDefects plant(MediaCollection collection, long seed, int perKind) {
    Random random = new Random(seed);
    List<MediaItem> images =
        new ArrayList<>(
            collection.media().stream()
                .filter(m -> MediaItem.IMAGE.equals(m.type()))
                .filter(m -> m.width() != null && m.height() != null)
                .sorted(Comparator.comparing(MediaItem::id))
                .toList());
    java.util.Collections.shuffle(images, random);
    Instant after =
        collection.items().stream()
            .map(MediaItem::createdAt)
            .max(Comparator.naturalOrder())
            .orElse(Instant.EPOCH)
            .plusSeconds(60);
    Planter planter = new Planter(collection, random, after);
    Map<String, Set<String>> broken = new LinkedHashMap<>();
    List<Set<String>> exact = new ArrayList<>();
    List<Set<String>> near = new ArrayList<>();
    int next = 0;
    for (int i = 0; i < perKind; i++) {
      MediaItem base = images.get(next++);
      mark(broken, "blob_unavailable", planter.add(base, base.width(), base.height(), null, "jpg"));

      base = images.get(next++);
      byte[] whole = planter.bytes(base);
      byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
      mark(
          broken,
          "blob_undecodable",
          planter.add(base, base.width(), base.height(), () -> truncated, planter.ext(base)));

      base = images.get(next++);
      byte[] same = planter.bytes(base);
      mark(
          broken,
          "dimensions_mismatch",
          planter.add(base, base.width() * 2, base.height() * 2, () -> same, planter.ext(base)));

      base = images.get(next++);
      byte[] unchanged = planter.bytes(base);
      mark(
          broken,
          "size_mismatch",
          planter.add(
              base,
              base.width(),
              base.height(),
              () -> unchanged,
              planter.ext(base),
              2L * unchanged.length));

      base = images.get(next++);
      byte[] original = planter.bytes(base);
      exact.add(
          new LinkedHashSet<>(
              List.of(
                  base.id(),
                  planter.add(
                      base, base.width(), base.height(), () -> original, planter.ext(base)))));

      base = images.get(next++);
      BufferedImage picture = decode(planter.bytes(base));
      Set<String> copies = new LinkedHashSet<>(List.of(base.id()));
      String other = planter.ext(base).equals("png") ? "jpg" : "png";
      byte[] reencoded = encode(picture, other);
      copies.add(planter.add(base, base.width(), base.height(), () -> reencoded, other));
      BufferedImage half = scale(picture, picture.getWidth() / 2, picture.getHeight() / 2);
      byte[] resized = encode(half, "jpg");
      copies.add(planter.add(base, half.getWidth(), half.getHeight(), () -> resized, "jpg"));
      int dx = picture.getWidth() / 25;
      int dy = picture.getHeight() / 25;
      BufferedImage crop =
          copy(
              picture.getSubimage(
                  dx, dy, picture.getWidth() - 2 * dx, picture.getHeight() - 2 * dy));
      byte[] cropped = encode(crop, "jpg");
      copies.add(planter.add(base, crop.getWidth(), crop.getHeight(), () -> cropped, "jpg"));
      near.add(copies);
    }
    // Videos: one whose blob 404s, one missing its last 8 bytes (it ends inside its last box).
    List<MediaItem> videos =
        new ArrayList<>(
            collection.media().stream()
                .filter(m -> MediaItem.VIDEO.equals(m.type()))
                .sorted(Comparator.comparing(MediaItem::id))
                .toList());
    java.util.Collections.shuffle(videos, random);
    for (int i = 0, v = 0; i < perKind && v + 1 < videos.size(); i++) {
      MediaItem base = videos.get(v++);
      mark(broken, "blob_unavailable", planter.add(base, base.width(), base.height(), null, "mp4"));
      base = videos.get(v++);
      byte[] whole = planter.bytes(base);
      byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 8);
      mark(
          broken,
          "blob_undecodable",
          planter.add(base, base.width(), base.height(), () -> truncated, "mp4"));
    }
    return new PlantedDefects(broken, exact, near);
  }

  /** Records {@code id} as planted with {@code reason}. */
  private static void mark(Map<String, Set<String>> broken, String reason, String id) {
    broken.computeIfAbsent(reason, k -> new LinkedHashSet<>()).add(id);
  }

  private static final Map<String, String> CONTENT_TYPES =
      Map.of("png", "image/png", "jpg", "image/jpeg", "mp4", "video/mp4");

  /** Adds items next to their originals, each a second after the last. */
  private static final class Planter {
    private final MediaCollection collection;
    private final Random random;
    private Instant at;

    Planter(MediaCollection collection, Random random, Instant after) {
      this.collection = collection;
      this.random = random;
      this.at = after;
    }

    String ext(MediaItem item) {
      return item.blobKey().endsWith(".png") ? "png" : "jpg";
    }

    byte[] bytes(MediaItem item) {
      return collection
          .blob(item.blobKey())
          .orElseThrow(() -> new IllegalStateException("no blob for " + item.id()))
          .bytes()
          .get();
    }

    /**
     * A copy of {@code base} as a new item whose blob is {@code bytes} (none: it 404s), its size
     * the blob's length (none: the original's).
     */
    String add(MediaItem base, Integer width, Integer height, Supplier<byte[]> bytes, String ext) {
      return add(
          base, width, height, bytes, ext, bytes == null ? base.sizeBytes() : bytes.get().length);
    }

    /** As above, with {@code sizeBytes} as its size whatever the blob's length. */
    String add(
        MediaItem base,
        Integer width,
        Integer height,
        Supplier<byte[]> bytes,
        String ext,
        long sizeBytes) {
      String id = Ids.random(random);
      String key = "media/" + id + "." + ext;
      at = at.plusSeconds(1);
      MediaItem item =
          new MediaItem(
              id,
              "copy-of-" + base.name(),
              base.type(),
              key,
              base.parentPath() + "." + id,
              at,
              at,
              width,
              height,
              base.duration(),
              sizeBytes,
              base.status(),
              base.metadata(),
              1,
              null,
              List.of());
      collection.add(
          item, bytes == null ? Map.of() : Map.of(key, new Blob(CONTENT_TYPES.get(ext), bytes)));
      return id;
    }
  }

  private static BufferedImage decode(byte[] bytes) {
    try {
      return copy(ImageIO.read(new ByteArrayInputStream(bytes)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] encode(BufferedImage image, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static BufferedImage copy(BufferedImage image) {
    return scale(image, image.getWidth(), image.getHeight());
  }

  private static BufferedImage scale(BufferedImage image, int width, int height) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }
}
