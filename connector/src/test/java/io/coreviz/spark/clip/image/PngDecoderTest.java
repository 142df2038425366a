package io.coreviz.spark.clip.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The PNG fast path must give the JDK reader's very samples (PNG is lossless, so both are the
 * file's), for every colour type it takes, every filter, rows of every length and image data split
 * over several chunks; and leave every other file to ImageIO.
 */
class PngDecoderTest {

  private static final int[] COLOUR_TYPES = {0, 2, 4, 6};
  private static final int[] CHANNELS = {1, 0, 3, 0, 2, 0, 4};

  @Test
  void everyColourTypeAndFilterGivesTheJdkReadersSamples() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    int checked = 0;
    for (int colourType : COLOUR_TYPES) {
      for (int filter = 0; filter <= 5; filter++) { // 5: a different filter on each row
        for (int[] size : new int[][] {{1, 1}, {1, 9}, {7, 3}, {61, 40}, {300, 201}}) {
          byte[] samples = samples(size[0], size[1], CHANNELS[colourType], random);
          int chunks = 1 + random.nextInt(4);
          byte[] png = png(size[0], size[1], colourType, samples, filter, chunks, 8, 0);
          BufferedImage fast = PngDecoder.read(png);
          assertThat(fast).as("colour type %d, filter %d", colourType, filter).isNotNull();
          String what =
              "colour type %d, filter %d, %dx%d, %d chunks"
                  .formatted(colourType, filter, size[0], size[1], chunks);
          assertSameSamples(fast, ImageIO.read(new ByteArrayInputStream(png)), what);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(4 * 6 * 5);
  }

  @Test
  void pngsTheJdkWritesTakeTheFastPath() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_GRAY
        }) {
      BufferedImage image = new BufferedImage(123, 77, type);
      for (int y = 0; y < 77; y++) {
        for (int x = 0; x < 123; x++) {
          image.setRGB(x, y, random.nextInt());
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      byte[] png = out.toByteArray();
      BufferedImage fast = PngDecoder.read(png);
      assertThat(fast).as("type %d", type).isNotNull();
      assertSameSamples(fast, ImageIO.read(new ByteArrayInputStream(png)), "type " + type);
    }
  }

  @Test
  void gammaAndColourProfilesAreIgnoredAsTheJdkReaderIgnoresThem() throws Exception {
    byte[] rgb = samples(30, 20, 3, new SplittableRandom(17));
    byte[] plain = png(30, 20, 2, rgb, 5, 1, 8, 0);
    ByteArrayOutputStream profile = new ByteArrayOutputStream();
    profile.write("linear RGB".getBytes(StandardCharsets.US_ASCII));
    profile.write(new byte[] {0, 0}); // the name's end, compression method 0
    try (DeflaterOutputStream deflated = new DeflaterOutputStream(profile)) {
      deflated.write(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData());
    }
    int afterHeader = 8 + 25;
    byte[] tagged =
        withChunk(
            withChunk(plain, afterHeader, "gAMA", new byte[] {0, 0, (byte) 0xaf, (byte) 0xc8}),
            afterHeader,
            "iCCP",
            profile.toByteArray());

    BufferedImage fast = PngDecoder.read(tagged);
    assertThat(fast).isNotNull();
    assertSameSamples(fast, ImageIO.read(new ByteArrayInputStream(tagged)), "gAMA and iCCP");
    assertSameSamples(fast, PngDecoder.read(plain), "the same file without them");
  }

  @Test
  void otherPngsAreLeftToImageIo() throws Exception {
    SplittableRandom random = new SplittableRandom(9);
    byte[] rgb = samples(20, 10, 3, random);
    byte[] good = png(20, 10, 2, rgb, 4, 2, 8, 0);
    assertThat(PngDecoder.read(good)).as("the file the others are variations of").isNotNull();

    assertThat(PngDecoder.read(png(20, 10, 3, samples(20, 10, 1, random), 0, 1, 8, 0)))
        .as("palette")
        .isNull();
    assertThat(PngDecoder.read(png(10, 10, 2, rgb, 0, 1, 16, 0))).as("16-bit").isNull();
    assertThat(PngDecoder.read(png(20, 10, 2, rgb, 0, 1, 8, 1))).as("interlaced").isNull();
    assertThat(PngDecoder.read(Arrays.copyOf(good, good.length - 30))).as("truncated").isNull();

    byte[] badFilter = png(20, 10, 2, rgb, 7, 1, 8, 0);
    assertThat(PngDecoder.read(badFilter)).as("filter type 7").isNull();

    byte[] unknownCritical = withChunkBeforeIend(good, "ZZZZ");
    assertThat(PngDecoder.read(unknownCritical)).as("an unknown critical chunk").isNull();
    byte[] unknownAncillary = withChunkBeforeIend(good, "zzZz");
    assertThat(PngDecoder.read(unknownAncillary)).as("an unknown ancillary chunk").isNotNull();

    byte[] corrupt = good.clone();
    corrupt[8 + 25 + 8] ^= 0x55; // the first IDAT's zlib header
    assertThat(PngDecoder.read(corrupt)).as("a broken zlib stream").isNull();
    assertThat(PngDecoder.read("not a png at all".getBytes(StandardCharsets.US_ASCII))).isNull();

    byte[] huge = good.clone(); // the header claims 1,048,576 rows (its CRC is not checked)
    huge[20] = 0;
    huge[21] = 0x10;
    huge[22] = 0;
    huge[23] = 0;
    assertThatThrownBy(() -> PngDecoder.read(huge))
        .isInstanceOf(UndecodableImageException.class)
        .hasMessage(
            "cannot decode image: its PNG header claims 20 x 1048576 pixels, more than its %d"
                + " bytes hold",
            huge.length);
  }

  @Test
  void preprocessingAFastPathPngGivesTheJdkImagesFloats() throws Exception {
    SplittableRandom random = new SplittableRandom(13);
    for (int colourType : COLOUR_TYPES) {
      byte[] samples = samples(403, 300, CHANNELS[colourType], random);
      byte[] png = png(403, 300, colourType, samples, 5, 3, 8, 0);
      float[] actual = new float[ImagePreprocessor.CLIP.tensorSize()];
      ImagePreprocessor.CLIP.preprocess(png, actual, 0);
      BufferedImage jdk = ImageIO.read(new ByteArrayInputStream(png));
      float[] expected =
          PillowReference.preprocess(
              jdk, 224, 224, ImagePreprocessor.CLIP.mean(), ImagePreprocessor.CLIP.std());
      assertThat(actual).as("colour type %d", colourType).isEqualTo(expected);
    }
  }

  private static void assertSameSamples(BufferedImage actual, BufferedImage expected, String what) {
    Raster a = actual.getRaster();
    Raster e = expected.getRaster();
    assertThat(new int[] {a.getWidth(), a.getHeight(), a.getNumBands()})
        .as(what)
        .containsExactly(e.getWidth(), e.getHeight(), e.getNumBands());
    int[] actualSamples = a.getPixels(0, 0, a.getWidth(), a.getHeight(), (int[]) null);
    int[] expectedSamples = e.getPixels(0, 0, e.getWidth(), e.getHeight(), (int[]) null);
    assertThat(actualSamples).as(what).isEqualTo(expectedSamples);
  }

  /** Smooth runs with noise, so that every filter has something to predict. */
  private static byte[] samples(int width, int height, int channels, SplittableRandom random) {
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
  private static byte[] png(
      int width,
      int height,
      int colourType,
      byte[] samples,
      int filter,
      int chunks,
      int depth,
      int interlace)
      throws IOException {
    int channels = colourType == 3 ? 1 : CHANNELS[colourType];
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

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data)
      throws IOException {
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

  private static byte[] withChunkBeforeIend(byte[] png, String type) throws IOException {
    return withChunk(png, png.length - 12, type, new byte[] {1, 2, 3});
  }

  /** {@code png} with a chunk inserted at byte {@code at} (a chunk's start). */
  private static byte[] withChunk(byte[] png, int at, String type, byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(png, 0, at);
    chunk(out, type, data);
    out.write(png, at, png.length - at);
    return out.toByteArray();
  }
}
