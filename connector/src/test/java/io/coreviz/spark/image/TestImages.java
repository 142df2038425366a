package io.coreviz.spark.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Images the tests make: photograph-like noise in any BufferedImage layout, encoded by ImageIO, and
 * PNGs written by the tests themselves, so that every colour type, filter and chunk is covered.
 */
public final class TestImages {

  /** Channels per PNG colour type (0 grey, 2 RGB, 4 grey and alpha, 6 RGBA; 3 palette: 1). */
  public static final int[] CHANNELS = {1, 0, 3, 1, 2, 0, 4};

  private TestImages() {}

  /**
   * Smooth gradients with noise (and random alpha), so resizing has both edges and flat areas to
   * get right, in the layout {@code type}.
   */
  public static BufferedImage noise(int width, int height, int type, SplittableRandom random) {
    // setRGB looks each pixel's colour up in a palette one at a time (half a second for 650x650):
    // a palette image is drawn from an RGB one instead, converted by Java2D in one pass.
    boolean indexed = type == BufferedImage.TYPE_BYTE_INDEXED;
    BufferedImage image =
        new BufferedImage(width, height, indexed ? BufferedImage.TYPE_INT_RGB : type);
    int base = random.nextInt(0x1000000);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int shade = (x * 255 / Math.max(1, width - 1) + y * 255 / Math.max(1, height - 1)) / 2;
        int rgb = (base + shade * 0x010203 + random.nextInt(0x202020)) & 0xffffff;
        image.setRGB(x, y, (random.nextInt(256) << 24) | rgb);
      }
    }
    if (!indexed) {
      return image;
    }
    BufferedImage palette = new BufferedImage(width, height, type);
    Graphics2D graphics = palette.createGraphics();
    graphics.drawImage(image, 0, 0, null);
    graphics.dispose();
    return palette;
  }

  /** {@code image} in {@code format}, by ImageIO (fails where it has no writer for the layout). */
  public static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).as("a %s writer", format).isTrue();
    return out.toByteArray();
  }

  /** Smooth runs with noise, so that every filter has something to predict. */
  public static byte[] samples(int width, int height, int channels, SplittableRandom random) {
    byte[] samples = new byte[width * height * channels];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = (byte) (i % 7 == 0 ? random.nextInt(256) : (i / 5) + random.nextInt(9));
    }
    return samples;
  }

  /**
   * A PNG written by this test: {@code filter} 0-4 on every row, 5 for row y's {@code y % 5}, any
   * other value written as every row's filter type over unfiltered bytes.
   */
  public static byte[] png(
      int width,
      int height,
      int colourType,
      byte[] samples,
      int filter,
      int chunks,
      int depth,
      int interlace)
      throws IOException {
    int channels = CHANNELS[colourType];
    int bpp = channels * depth / 8;
    int rowBytes = width * bpp;
    byte[] raw = depth == 8 ? samples : Arrays.copyOf(samples, height * rowBytes);
    ByteArrayOutputStream filtered = new ByteArrayOutputStream();
    for (int y = 0; y < height; y++) {
      int type = filter == 5 ? y % 5 : filter;
      filtered.write(type);
      for (int i = 0; i < rowBytes; i++) {
        int x = raw[y * rowBytes + i] & 0xff;
        int left = i >= bpp ? raw[y * rowBytes + i - bpp] & 0xff : 0;
        int up = y > 0 ? raw[(y - 1) * rowBytes + i] & 0xff : 0;
        int upLeft = y > 0 && i >= bpp ? raw[(y - 1) * rowBytes + i - bpp] & 0xff : 0;
        int predicted =
            switch (type) {
              case 1 -> left;
              case 2 -> up;
              case 3 -> (left + up) / 2;
              case 4 -> paeth(left, up, upLeft);
              default -> 0;
            };
        filtered.write((x - predicted) & 0xff);
      }
    }
    Deflater deflater = new Deflater();
    deflater.setInput(filtered.toByteArray());
    deflater.finish();
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!deflater.finished()) {
      compressed.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    byte[] data = compressed.toByteArray();

    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    DataOutputStream h = new DataOutputStream(header);
    h.writeInt(width);
    h.writeInt(height);
    h.write(new byte[] {(byte) depth, (byte) colourType, 0, 0, (byte) interlace});
    chunk(png, "IHDR", header.toByteArray());
    if (colourType == 3) {
      byte[] palette = new byte[3 * 256];
      for (int i = 0; i < palette.length; i++) {
        palette[i] = (byte) (i * 7);
      }
      chunk(png, "PLTE", palette);
    }
    int piece = (data.length + chunks - 1) / chunks;
    for (int at = 0; at < data.length; at += piece) {
      chunk(png, "IDAT", Arrays.copyOfRange(data, at, Math.min(data.length, at + piece)));
    }
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static int paeth(int left, int up, int upLeft) {
    int estimate = left + up - upLeft;
    int toLeft = Math.abs(estimate - left);
    int toUp = Math.abs(estimate - up);
    int toUpLeft = Math.abs(estimate - upLeft);
    return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
  }

  static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
    DataOutputStream out = new DataOutputStream(png);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  public static byte[] withChunkBeforeIend(byte[] png, String type) throws IOException {
    return withChunk(png, png.length - 12, type, new byte[] {1, 2, 3});
  }

  /** {@code png} with a chunk inserted at byte {@code at} (a chunk's start). */
  public static byte[] withChunk(byte[] png, int at, String type, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, at);
    chunk(out, type, data);
    out.write(png, at, png.length - at);
    return out.toByteArray();
  }
}
