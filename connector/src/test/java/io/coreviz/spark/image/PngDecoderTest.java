package io.coreviz.spark.image;

import static io.coreviz.spark.image.TestImages.CHANNELS;
import static io.coreviz.spark.image.TestImages.png;
import static io.coreviz.spark.image.TestImages.samples;
import static io.coreviz.spark.image.TestImages.withChunk;
import static io.coreviz.spark.image.TestImages.withChunkBeforeIend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The PNG fast path must give the JDK reader's very samples (PNG is lossless, so both are the
 * file's), for every colour type it takes, every filter, rows of every length and image data split
 * over several chunks; and leave every other file to ImageIO.
 */
class PngDecoderTest {

  private static final int[] COLOUR_TYPES = {0, 2, 4, 6};

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
        .isInstanceOf(IIOException.class)
        .hasMessage(
            "its PNG header claims 20 x 1048576 pixels, more than its %d bytes hold", huge.length);

    byte[] transparentColour = withChunk(good, 8 + 25, "tRNS", new byte[] {0, 1, 0, 2, 0, 3});
    assertThat(PngDecoder.read(transparentColour)).as("a transparent colour").isNull();
    assertThat(ImageIO.read(new ByteArrayInputStream(transparentColour)).getColorModel().hasAlpha())
        .as("the JDK reads it as an alpha channel")
        .isTrue();
  }

  private static void assertSameSamples(BufferedImage actual, BufferedImage expected, String what) {
    Raster a = actual.getRaster();
    Raster e = expected.getRaster();
    assertThat(new int[] {a.getWidth(), a.getHeight(), a.getNumBands()})
        .as(what)
        .containsExactly(e.getWidth(), e.getHeight(), e.getNumBands());
    assertThat(actual.getColorModel().hasAlpha())
        .as(what)
        .isEqualTo(expected.getColorModel().hasAlpha());
    assertThat(actual.getColorModel().getColorSpace().getType())
        .as(what)
        .isEqualTo(expected.getColorModel().getColorSpace().getType());
    int[] actualSamples = a.getPixels(0, 0, a.getWidth(), a.getHeight(), (int[]) null);
    int[] expectedSamples = e.getPixels(0, 0, e.getWidth(), e.getHeight(), (int[]) null);
    assertThat(actualSamples).as(what).isEqualTo(expectedSamples);
    int[] actualRgb = actual.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
    int[] expectedRgb = expected.getRGB(0, 0, e.getWidth(), e.getHeight(), null, 0, e.getWidth());
    assertThat(actualRgb).as("%s, as getRGB reads it", what).isEqualTo(expectedRgb);
  }
}
