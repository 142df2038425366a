package io.coreviz.examples;

import io.coreviz.spark.client.CallPolicy;
import io.coreviz.spark.client.ClientSettings;
import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.image.ImageFetcher;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import okhttp3.HttpUrl;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * What each image's and video's blob holds: downloaded (a few at a time per task, through the
 * connector's shared client; the API key goes only to the API's own host), checked that it is whole
 * (an image decodes whole; a video's container is not cut short, see {@link #videoDefect}) and has
 * the size its metadata gives (a size of 0 is not recorded: the metadata check flags it), an image
 * also its dimensions, and hashed: SHA-256 of the bytes (exact copies) and, for images, a 64-bit
 * perceptual hash of the picture (near copies) and a small thumbnail for the report.
 */
final class BlobChecks {

  /** Downloads in flight per task. */
  static final int DOWNLOADS = 8;

  /** Blobs a task checks, about. */
  static final int BLOBS_PER_TASK = 200;

  /** Longest side of a report thumbnail, in pixels. */
  static final int THUMBNAIL = 96;

  /**
   * A row per blob: its {@code status} is {@code ok} or the flag reason it raises ({@code
   * blob_unavailable}, {@code blob_undecodable}, {@code dimensions_mismatch}, {@code
   * size_mismatch}), with what went wrong in {@code detail}.
   */
  static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.StringType, false)
          .add("status", DataTypes.StringType, false)
          .add("detail", DataTypes.StringType, true)
          .add("image_width", DataTypes.IntegerType, true)
          .add("image_height", DataTypes.IntegerType, true)
          .add("bytes", DataTypes.LongType, true)
          .add("sha256", DataTypes.StringType, true)
          .add("phash", DataTypes.LongType, true)
          .add("colors", DataTypes.BinaryType, true)
          .add("thumbnail", DataTypes.StringType, true);

  /**
   * {@link #SCHEMA} and, for an image whose blob was fetched, its bytes ({@code content}), so the
   * CLIP check embeds the same download instead of fetching the image again.
   */
  static final StructType WITH_CONTENT = SCHEMA.add("content", DataTypes.BinaryType, true);

  private BlobChecks() {}

  /**
   * What {@link #inspect} found: a row of {@link #SCHEMA} per blob, and the downloads sent again
   * (after a broken connection, 429 or 5xx) once the rows are computed.
   */
  record Inspection(Dataset<Row> rows, LongAccumulator retries) {}

  /**
   * One row of {@link #SCHEMA} per image and video among {@code items} (rows of the coreviz table),
   * its blob fetched with the endpoint, credentials and retries a read with {@code options}
   * resolves ({@link JobClient}).
   */
  static Inspection inspect(Dataset<Row> items, Map<String, String> options) {
    return inspect(items, options, false);
  }

  /**
   * As {@link #inspect(Dataset, Map)}; with {@code keepImages}, rows of {@link #WITH_CONTENT}: each
   * fetched image's bytes kept beside its checks.
   */
  static Inspection inspect(Dataset<Row> items, Map<String, String> options, boolean keepImages) {
    return inspect(items, -1, options, keepImages);
  }

  /**
   * As {@link #inspect(Dataset, Map, boolean)}, given how many rows {@code items} has (-1: count
   * them), which sizes the tasks.
   */
  static Inspection inspect(
      Dataset<Row> items, long itemCount, Map<String, String> options, boolean keepImages) {
    ClientSettings client = JobClient.of(items.sparkSession(), options);
    LongAccumulator retries =
        items.sparkSession().sparkContext().longAccumulator("Media checks download retries");
    Inspector inspector =
        new Inspector(
            client.endpoint(), client.credentials(), client.callPolicy(), retries, keepImages);
    Dataset<Row> media =
        items
            .filter("type IN ('image', 'video')")
            .select("id", "blob", "width", "height", "sizeBytes", "type");
    // Tasks of about BLOBS_PER_TASK blobs, so progress (tasks done) moves as they finish.
    long count = itemCount < 0 ? media.count() : itemCount;
    int tasks =
        (int)
            Math.max(
                items.sparkSession().sparkContext().defaultParallelism(),
                Math.min(10_000, (count + BLOBS_PER_TASK - 1) / BLOBS_PER_TASK));
    return new Inspection(
        media
            .repartition(tasks)
            .mapPartitions(inspector, ExpressionEncoder.apply(keepImages ? WITH_CONTENT : SCHEMA)),
        retries);
  }

  /** Fetches and checks a task's blobs, {@value #DOWNLOADS} at a time, in order. */
  private record Inspector(
      String endpoint,
      Credentials credentials,
      CallPolicy calls,
      LongAccumulator retries,
      boolean keepImages)
      implements MapPartitionsFunction<Row, Row>, Serializable {

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
      ImageFetcher fetcher =
          new ImageFetcher(HttpUrl.parse(endpoint), credentials, calls, Duration.ofSeconds(30));
      RequestStats downloads = new RequestStats();
      ExecutorService pool = Executors.newFixedThreadPool(DOWNLOADS);
      try {
        List<Future<Row>> results = new ArrayList<>();
        while (rows.hasNext()) {
          Row row = rows.next();
          results.add(pool.submit(() -> check(fetcher, downloads, row, keepImages)));
        }
        List<Row> out = new ArrayList<>(results.size());
        for (Future<Row> result : results) {
          out.add(result.get());
        }
        retries.add(downloads.retries.get());
        return out.iterator();
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A blob's checks, and the bytes fetched for them (null where there were none). */
  private record Checked(Row row, byte[] bytes) {}

  /** A blob's row of {@link #SCHEMA}, or of {@link #WITH_CONTENT} where {@code keep}. */
  static Row check(ImageFetcher fetcher, RequestStats downloads, Row item, boolean keep) {
    Checked checked = checked(fetcher, downloads, item);
    if (!keep) {
      return checked.row();
    }
    Object[] values = new Object[WITH_CONTENT.size()];
    for (int i = 0; i < checked.row().size(); i++) {
      values[i] = checked.row().get(i);
    }
    values[values.length - 1] = "image".equals(item.getString(5)) ? checked.bytes() : null;
    return RowFactory.create(values);
  }

  private static Checked checked(ImageFetcher fetcher, RequestStats downloads, Row item) {
    String id = item.getString(0);
    String url = item.isNullAt(1) ? null : item.getString(1);
    if (url == null || url.isEmpty()) {
      return new Checked(result(id, "blob_unavailable", "no blob URL", null, null), null);
    }
    byte[] bytes;
    try {
      bytes = fetcher.fetch(url, downloads);
    } catch (ImageFetcher.ImageFailure e) {
      return new Checked(result(id, "blob_unavailable", e.getMessage(), null, null), null);
    }
    return new Checked(checkBytes(id, item, bytes), bytes);
  }

  /** The checks of a fetched blob's bytes. */
  private static Row checkBytes(String id, Row item, byte[] bytes) {
    if ("video".equals(item.getString(5))) {
      String defect = videoDefect(bytes);
      return defect != null
          ? result(id, "blob_undecodable", defect, bytes, null)
          : sized(id, item, bytes, null);
    }
    BufferedImage image;
    try {
      image = decode(bytes);
    } catch (IOException e) {
      return result(id, "blob_undecodable", e.getMessage(), bytes, null);
    }
    Integer width = item.isNullAt(2) ? null : item.getInt(2);
    Integer height = item.isNullAt(3) ? null : item.getInt(3);
    if (width != null
        && height != null
        && (width != image.getWidth() || height != image.getHeight())) {
      return result(
          id,
          "dimensions_mismatch",
          "metadata "
              + width
              + "x"
              + height
              + ", image "
              + image.getWidth()
              + "x"
              + image.getHeight(),
          bytes,
          image);
    }
    return sized(id, item, bytes, image);
  }

  /** {@code ok}, or {@code size_mismatch} where the item's size is not the blob's length. */
  private static Row sized(String id, Row item, byte[] bytes, BufferedImage image) {
    long size = item.isNullAt(4) ? 0 : item.getLong(4);
    if (size > 0 && size != bytes.length) {
      return result(
          id,
          "size_mismatch",
          "metadata " + size + " bytes, blob " + bytes.length + " bytes",
          bytes,
          image);
    }
    return result(id, "ok", null, bytes, image);
  }

  /**
   * Why a video's bytes are not a whole file, or null. This job has no video decoder, but a
   * container's structure tells a whole file from a cut one: an MP4 or MOV file (ISO BMFF, an
   * {@code ftyp} box first) is a sequence of top-level boxes, each starting with its size, that
   * must tile the file exactly, so a truncated file ends inside its last box. A WebM or Matroska
   * file is recognised by its signature only.
   */
  static String videoDefect(byte[] bytes) {
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
    if (bytes.length >= 4 && buffer.getInt(0) == 0x1A45DFA3) {
      return null;
    }
    if (bytes.length < 8 || buffer.getInt(4) != 0x66747970) { // "ftyp"
      return "not a video container this job reads (MP4/MOV, WebM/Matroska)";
    }
    long at = 0;
    while (at < bytes.length) {
      long left = bytes.length - at;
      if (left < 8) {
        return "truncated: " + left + " bytes after the last box, too few for a box header";
      }
      long size = Integer.toUnsignedLong(buffer.getInt((int) at));
      String type =
          new String(bytes, (int) at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
      long header = 8;
      if (size == 1) {
        if (left < 16) {
          return "truncated: box '" + type + "' at byte " + at + " ends inside its header";
        }
        size = buffer.getLong((int) at + 8);
        header = 16;
      } else if (size == 0) {
        size = left; // the last box, to the end of the file
      }
      if (size < header) {
        return "box '" + type + "' at byte " + at + " gives an impossible size, " + size;
      }
      if (size > left) {
        return "truncated: box '"
            + type
            + "' at byte "
            + at
            + " is "
            + size
            + " bytes, "
            + left
            + " are left";
      }
      at += size;
    }
    return null;
  }

  private static Row result(
      String id, String status, String detail, byte[] bytes, BufferedImage image) {
    PictureFingerprint fingerprint = image == null ? null : PictureFingerprint.of(image);
    return RowFactory.create(
        id,
        status,
        detail,
        image == null ? null : image.getWidth(),
        image == null ? null : image.getHeight(),
        bytes == null ? null : (long) bytes.length,
        bytes == null ? null : sha256(bytes),
        image == null ? null : fingerprint.hash(),
        image == null ? null : fingerprint.colors(),
        image == null ? null : thumbnail(image));
  }

  /**
   * The whole picture, or an exception saying why not: no decoder for the bytes, a decoder's
   * warning (a JPEG that ends early decodes with a warning, the missing part grey), or the bytes
   * ending before the format's end marker.
   */
  static BufferedImage decode(byte[] bytes) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        throw new IOException("not an image format this job reads");
      }
      ImageReader reader = readers.next();
      try {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(input);
        BufferedImage image;
        try {
          image = reader.read(0);
        } catch (IOException e) {
          throw new IOException("corrupt " + reader.getFormatName() + ": " + e.getMessage(), e);
        }
        if (!warnings.isEmpty()) {
          throw new IOException("corrupt " + reader.getFormatName() + ": " + warnings.get(0));
        }
        if (endsEarly(bytes, reader.getFormatName())) {
          throw new IOException("truncated " + reader.getFormatName() + ": no end marker");
        }
        return image;
      } finally {
        reader.dispose();
      }
    } catch (RuntimeException e) {
      throw new IOException("undecodable: " + e, e);
    }
  }

  private static boolean endsEarly(byte[] bytes, String format) {
    int n = bytes.length;
    return switch (format.toLowerCase(java.util.Locale.ROOT)) {
      case "jpeg", "jpg" -> n < 2 || (bytes[n - 2] & 0xFF) != 0xFF || (bytes[n - 1] & 0xFF) != 0xD9;
      case "png" ->
          n < 8
              || !new String(bytes, n - 8, 4, java.nio.charset.StandardCharsets.US_ASCII)
                  .equals("IEND");
      default -> false;
    };
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The mean absolute difference of two colour layouts ({@link PictureFingerprint#colors}), 0 to
   * 255.
   */
  static double colorDistance(byte[] a, byte[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
    }
    return sum / a.length;
  }

  /** A small JPEG of the picture as a data URI, so the report needs no other file. */
  static String thumbnail(BufferedImage image) {
    double scale = (double) THUMBNAIL / Math.max(image.getWidth(), image.getHeight());
    int width = Math.max(1, (int) Math.round(image.getWidth() * Math.min(1, scale)));
    int height = Math.max(1, (int) Math.round(image.getHeight() * Math.min(1, scale)));
    BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(
        java.awt.RenderingHints.KEY_INTERPOLATION,
        java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, width, height, null);
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(small, "jpg", out);
      return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (IOException e) {
      return null;
    }
  }
}
