package io.coreviz.emulator.data;

import io.coreviz.emulator.model.Blob;
import io.coreviz.emulator.model.DetectedObject;
import io.coreviz.emulator.model.Frame;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.emulator.model.MediaItem;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of realistic collections: nested folders with unicode names, images and videos
 * with frames and detected objects, tag groups, descriptions and prompts, missing dimensions, sizes
 * and frames, duplicate names, and runs of equal {@code createdAt} values (some exactly at midnight
 * UTC). The same seed always gives the same collection.
 */
public final class SyntheticCollection {

  /** Dimension of the per-object similarity embeddings. */
  public static final int EMBEDDING_SIZE = 16;

  static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant HOT_DAY = Instant.parse("2026-02-14T09:00:00Z");
  private static final int DAYS = 120;
  private static final String[] FOLDER_NAMES = {
    "Product shots",
    "Été à Paris",
    "東京 2026",
    "Raw uploads",
    "Ünïcødé ✓ folder",
    "Portraits",
    "Street",
    "Food & drink",
    "Archive",
    "Shoes",
    "Landscapes",
    "Événements",
    "Drone",
    "Studio"
  };
  private static final String[] STEMS = {
    "hero-shot", "IMG", "DSC", "café-☕", "写真", "product", "portrait", "émoji 📷", "scan", "frame"
  };
  private static final String[] LABELS = {
    "shoe", "bag", "person", "car", "dog", "cat", "bicycle", "bottle", "chair", "tree"
  };
  private static final Map<String, String[]> TAG_GROUPS = new LinkedHashMap<>();

  static {
    TAG_GROUPS.put("color", new String[] {"red", "blue", "green", "black", "white", "yellow"});
    TAG_GROUPS.put("season", new String[] {"spring", "summer", "autumn", "winter"});
    TAG_GROUPS.put("category", new String[] {"product", "portrait", "landscape", "street", "food"});
    TAG_GROUPS.put("camera", new String[] {"phone", "dslr", "drone"});
  }

  private static final String[] DESCRIPTIONS = {
    "A red shoe on a white background",
    "Two people walking a dog in the park",
    "Close-up of a leather bag",
    "City street at night with cars",
    "A cat sleeping on a chair",
    "Bottles on a wooden table",
    "Mountain landscape with trees in winter",
  };
  private static final String[] PROMPTS = {
    "studio photo of red sneakers, soft light", "a cat astronaut, digital art",
    "isometric city at dusk", "watercolor landscape with a bicycle"
  };

  private final Random random;
  private final String collectionId;
  private final List<MediaItem> items = new ArrayList<>();
  private final Map<String, Blob> blobs = new HashMap<>();
  private final Map<String, float[]> centroids = new HashMap<>();
  private final Map<String, String> lastNames = new HashMap<>();

  private SyntheticCollection(long seed) {
    this.random = new Random(seed);
    this.collectionId = Ids.random(random);
  }

  /**
   * A collection of {@code mediaCount} images and videos in about {@code mediaCount / 25} folders.
   */
  public static MediaCollection generate(long seed, int mediaCount) {
    return generate(seed, mediaCount, Math.min(FOLDER_NAMES.length, mediaCount / 25));
  }

  public static MediaCollection generate(long seed, int mediaCount, int folderCount) {
    return generate(seed, mediaCount, folderCount, false);
  }

  /**
   * A skewed collection, for partition planning: three quarters of the media sit directly in one
   * folder, and 30% were uploaded on a single day (2026-02-14).
   */
  public static MediaCollection skewed(long seed, int mediaCount) {
    return generate(
        seed, mediaCount, Math.max(1, Math.min(FOLDER_NAMES.length, mediaCount / 25)), true);
  }

  private static MediaCollection generate(
      long seed, int mediaCount, int folderCount, boolean skewed) {
    SyntheticCollection generator = new SyntheticCollection(seed);
    List<MediaItem> folders = generator.folders(folderCount);
    Instant time = EPOCH.plusSeconds(generator.random.nextInt(3600));
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i < mediaCount; i++) {
      boolean hotDay = skewed && i % 10 < 3;
      times.add(hotDay ? HOT_DAY.plusMillis(37L * i) : time);
      time = generator.nextTime(time, mediaCount);
    }
    for (int i = 0; i < mediaCount; i++) {
      double roll = generator.random.nextDouble();
      String parent;
      if (skewed && roll < 0.75) {
        parent = folders.get(0).path();
      } else if (folders.isEmpty() || roll < (skewed ? 0.8 : 0.2)) {
        parent = generator.collectionId;
      } else {
        parent = folders.get(generator.random.nextInt(folders.size())).path();
      }
      generator.items.add(generator.media(parent, times.get(i), i));
    }
    return new MediaCollection(generator.collectionId, generator.items, generator.blobs);
  }

  /**
   * The next upload time: mostly spread over {@value #DAYS} days, sometimes in the same millisecond
   * as the previous one (a batch upload), sometimes exactly at midnight UTC.
   */
  private Instant nextTime(Instant previous, int count) {
    double roll = random.nextDouble();
    if (roll < 0.10) {
      return previous;
    }
    long meanGapMillis = Duration.ofDays(DAYS).toMillis() / Math.max(1, count);
    Instant next = previous.plusMillis(1 + (long) (random.nextDouble() * 2 * meanGapMillis));
    if (roll < 0.13) {
      return next.truncatedTo(java.time.temporal.ChronoUnit.DAYS).plus(Duration.ofDays(1));
    }
    return next;
  }

  private List<MediaItem> folders(int count) {
    List<MediaItem> folders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String parent =
          i < 3 || random.nextDouble() < 0.4
              ? collectionId
              : folders.get(random.nextInt(folders.size())).path();
      if (parent.split("\\.").length > 3) {
        parent = collectionId;
      }
      String id = Ids.random(random);
      Instant created =
          EPOCH.minus(Duration.ofDays(10 - i % 10)).plusSeconds(random.nextInt(86_400));
      MediaItem folder =
          MediaItem.folder(
              id,
              FOLDER_NAMES[i % FOLDER_NAMES.length] + (i < FOLDER_NAMES.length ? "" : " " + i),
              parent,
              created);
      folders.add(folder);
      items.add(folder);
    }
    return folders;
  }

  private MediaItem media(String parent, Instant createdAt, int index) {
    String id = Ids.random(random);
    boolean video = random.nextDouble() < 0.22;
    String status = pick(new double[] {0.90, 0.06}, "active", "processing", "failed");
    boolean missingDims = random.nextDouble() < 0.03;
    int[] size = pickSize();
    Integer width = missingDims ? null : size[0];
    Integer height = missingDims ? null : size[1];
    String ext = video ? "mp4" : random.nextBoolean() ? "jpg" : "png";
    // About 3% re-use the name of an earlier file of the same kind in the same folder.
    String name = STEMS[random.nextInt(STEMS.length)] + "-" + index + "." + ext;
    String earlier = lastNames.get(parent + "/" + ext);
    if (earlier != null && random.nextDouble() < 0.03) {
      name = earlier;
    }
    lastNames.put(parent + "/" + ext, name);
    String blobKey = "media/" + id + "." + ext;
    if (video) {
      blobs.put(blobKey, new Blob("video/mp4", () -> fakeVideo(id)));
    } else {
      String format = ext.equals("png") ? "png" : "jpg";
      int w = width == null ? 320 : width;
      int h = height == null ? 240 : height;
      blobs.put(
          blobKey,
          new Blob(
              "image/" + (format.equals("png") ? "png" : "jpeg"),
              () -> ImageRenderer.render(Ids.seed(id), w, h, format)));
    }
    List<Frame> frames = frames(video, status, size);
    Instant updatedAt =
        random.nextBoolean() ? createdAt : createdAt.plusSeconds(random.nextInt(3 * 86_400));
    Double duration =
        video && random.nextDouble() >= 0.05
            ? Math.round(random.nextDouble() * 120_000) / 1000.0
            : null;
    long sizeBytes = random.nextDouble() < 0.02 ? 0 : 10_000 + random.nextInt(5_000_000);
    return new MediaItem(
        id,
        name,
        video ? MediaItem.VIDEO : MediaItem.IMAGE,
        blobKey,
        parent + "." + id,
        createdAt,
        updatedAt,
        width,
        height,
        duration,
        sizeBytes,
        status,
        metadata(),
        1 + (random.nextDouble() < 0.1 ? 1 + random.nextInt(3) : 0),
        frames.isEmpty() ? null : Ids.random(random),
        frames);
  }

  private int[] pickSize() {
    int[][] sizes = {{320, 240}, {640, 480}, {480, 640}, {512, 512}, {800, 600}, {256, 144}};
    return sizes[random.nextInt(sizes.length)];
  }

  private List<Frame> frames(boolean video, String status, int[] size) {
    int count;
    if (video) {
      count = random.nextDouble() < 0.10 ? 0 : 1 + random.nextInt(5);
    } else {
      count = status.equals("active") && random.nextDouble() < 0.95 ? 1 : 0;
    }
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String frameId = Ids.random(random);
      String key = "frames/" + frameId + ".jpg";
      int w = size[0] / 2;
      int h = size[1] / 2;
      blobs.put(
          key, new Blob("image/jpeg", () -> ImageRenderer.render(Ids.seed(frameId), w, h, "jpg")));
      String timestamp = i == 0 ? "0" : String.valueOf(i * 2.5);
      frames.add(new Frame(frameId, timestamp, key, w, h, objects(video)));
    }
    return frames;
  }

  private List<DetectedObject> objects(boolean video) {
    int count = random.nextDouble() < (video ? 0.05 : 0.15) ? 0 : 1 + random.nextInt(4);
    List<DetectedObject> objects = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = Ids.random(random);
      String type = pick(new double[] {0.80, 0.15}, "object", "face", "shoeprint");
      String label =
          switch (type) {
            case "face" -> "face";
            case "shoeprint" -> "shoeprint";
            default -> LABELS[random.nextInt(LABELS.length)];
          };
      String cluster = Ids.of(collectionId + "/" + label + "/" + random.nextInt(3));
      String blobKey = null;
      if (random.nextBoolean()) {
        blobKey = "objects/" + id + ".jpg";
        blobs.put(
            blobKey,
            new Blob("image/jpeg", () -> ImageRenderer.render(Ids.seed(id), 64, 64, "jpg")));
      }
      String model =
          switch (type) {
            case "face" -> "faces";
            case "shoeprint" -> "shoeprints";
            default -> "objects";
          };
      objects.add(
          new DetectedObject(id, type, label, blobKey, cluster, Map.of(model, embedding(cluster))));
    }
    return objects;
  }

  /** A unit vector near its cluster's centroid, so objects of one cluster are similar. */
  private float[] embedding(String cluster) {
    float[] centroid =
        centroids.computeIfAbsent(
            cluster,
            c -> {
              Random r = new Random(Ids.seed(c));
              float[] v = new float[EMBEDDING_SIZE];
              for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
              }
              return v;
            });
    float[] v = new float[EMBEDDING_SIZE];
    double norm = 0;
    for (int i = 0; i < v.length; i++) {
      v[i] = centroid[i] + (float) (0.35 * random.nextGaussian());
      norm += v[i] * v[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  private Map<String, Object> metadata() {
    double roll = random.nextDouble();
    if (roll < 0.03) {
      return null;
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    if (roll < 0.08) {
      return metadata;
    }
    if (random.nextDouble() < 0.85) {
      Map<String, List<String>> tags = new LinkedHashMap<>();
      for (Map.Entry<String, String[]> group : TAG_GROUPS.entrySet()) {
        if (random.nextDouble() < 0.6) {
          String[] values = group.getValue();
          String first = values[random.nextInt(values.length)];
          String second = values[random.nextInt(values.length)];
          tags.put(
              group.getKey(),
              random.nextDouble() < 0.25 && !first.equals(second)
                  ? List.of(first, second)
                  : List.of(first));
        }
      }
      metadata.put("tags", tags);
    }
    if (random.nextDouble() < 0.4) {
      metadata.put("description", DESCRIPTIONS[random.nextInt(DESCRIPTIONS.length)]);
    }
    if (random.nextDouble() < 0.1) {
      metadata.put("prompt", PROMPTS[random.nextInt(PROMPTS.length)]);
    }
    if (random.nextDouble() < 0.3) {
      boolean flagged = random.nextDouble() < 0.1;
      metadata.put(
          "moderation",
          Map.of("flagged", flagged, "labels", flagged ? List.of("violence") : List.of()));
    }
    return metadata;
  }

  private String pick(double[] thresholds, String... values) {
    double roll = random.nextDouble();
    double sum = 0;
    for (int i = 0; i < thresholds.length; i++) {
      sum += thresholds[i];
      if (roll < sum) {
        return values[i];
      }
    }
    return values[values.length - 1];
  }

  /**
   * Not a playable video, but a well-formed ISO BMFF (MP4) file: an {@code ftyp} box, then a {@code
   * free} box holding the id, so its top-level boxes tile it exactly as a real file's do and a
   * truncated copy can be told from a whole one.
   */
  private static byte[] fakeVideo(String id) {
    byte[] ftyp = {
      0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's', 'o', 'm', 'm', 'p',
      '4', '1'
    };
    byte[] payload = id.getBytes(StandardCharsets.US_ASCII);
    java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(ftyp.length + 8 + payload.length);
    bytes.put(ftyp).putInt(8 + payload.length).put(new byte[] {'f', 'r', 'e', 'e'}).put(payload);
    return bytes.array();
  }
}
