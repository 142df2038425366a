package io.coreviz.spark.image;

import static io.coreviz.spark.image.TestImages.encode;
import static io.coreviz.spark.image.TestImages.noise;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.PixelInterleavedSampleModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * ImageReads gives the pixels the JDK's own reading gives, JPEGs in red, green, blue order, reduced
 * to each block's mean; read reduced where TurboJPEG is installed, TurboJPEG's (TurboJpegTest holds
 * those to Pillow's).
 */
class ImageReadsTest {

  private static final SplittableRandom RANDOM = new SplittableRandom(17);

  /** The image as ImageReads reads it with the JDK's decoder, a JPEG reduced by {@code step}. */
  private static BufferedImage read(byte[] bytes, int step) throws IOException {
    return ImageReads.read(
        new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)), (w, h) -> step, null);
  }

  /**
   * The JDK's reading, into its reader's own destination image, then reduced a sample at a time:
   * each pixel the mean of the {@code step × step} block it stands for.
   */
  private static BufferedImage reference(byte[] bytes, int step) throws IOException {
    BufferedImage full = ImageIO.read(new ByteArrayInputStream(bytes));
    return step > 1 ? BlockMeansTest.meansOf(full, step) : full;
  }

  /** The JDK's reading of one pixel in each {@code step × step} block: its own subsampling. */
  private static BufferedImage subsampled(byte[] bytes, int step) throws IOException {
    var in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes));
    ImageReader reader = ImageIO.getImageReaders(in).next();
    try {
      reader.setInput(in, true, true);
      ImageReadParam param = reader.getDefaultReadParam();
      param.setSourceSubsampling(step, step, 0, 0);
      return reader.read(0, param);
    } finally {
      reader.dispose();
    }
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        if (actual.getRGB(x, y) != expected.getRGB(x, y)) {
          assertThat(Integer.toHexString(actual.getRGB(x, y)))
              .as("pixel (%d, %d)", x, y)
              .isEqualTo(Integer.toHexString(expected.getRGB(x, y)));
        }
      }
    }
  }

  private static int[] bandOffsets(BufferedImage image) {
    return ((PixelInterleavedSampleModel) image.getSampleModel()).getBandOffsets();
  }

  private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  @Test
  void colourJpegsAreTheJdksPixelsInRgbOrder() throws IOException {
    for (int[] size : new int[][] {{1, 1}, {7, 5}, {203, 157}, {640, 481}}) {
      for (boolean progressive : new boolean[] {false, true}) {
        byte[] bytes =
            jpeg(noise(size[0], size[1], BufferedImage.TYPE_3BYTE_BGR, RANDOM), progressive);
        for (int step : new int[] {1, 2, 4, 8}) {
          BufferedImage image = read(bytes, step);
          assertThat(bandOffsets(image)).containsExactly(0, 1, 2);
          assertSamePixels(image, reference(bytes, step));
        }
      }
    }
  }

  @Test
  void oneCanvasReadsJpegsOfEverySizeOneAfterAnotherAsFreshImagesWould() throws IOException {
    RgbCanvas canvas = new RgbCanvas();
    byte[] whole = jpeg(noise(640, 481, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    // Cut mid-scan: the decoder makes up the missing rows; none may keep the previous image's.
    byte[] truncated = java.util.Arrays.copyOf(whole, whole.length / 2);
    int read = 0;
    for (int round = 0; round < 2; round++) {
      for (int[] size : new int[][] {{640, 481}, {203, 157}, {157, 203}, {800, 300}, {7, 5}}) {
        for (boolean progressive : new boolean[] {false, true}) {
          byte[] bytes =
              jpeg(noise(size[0], size[1], BufferedImage.TYPE_3BYTE_BGR, RANDOM), progressive);
          for (byte[] image : new byte[][] {bytes, truncated}) {
            for (int step : new int[] {1, 2}) {
              BufferedImage actual = ImageReads.decode(image, (w, h) -> step, canvas);
              assertSamePixels(actual, expected(image, step));
              read++;
            }
          }
        }
      }
    }
    assertThat(read).isEqualTo(80);
  }

  /**
   * What {@code decode} gives: in full the JDK's pixels, whichever decoder reads them; reduced,
   * TurboJPEG's reading where it reads the file (TurboJpegTest holds that to Pillow's), else the
   * JDK's.
   */
  private static BufferedImage expected(byte[] bytes, int step) throws IOException {
    TurboJpeg turbo = TurboJpeg.shared();
    BufferedImage scaled =
        step > 1 && turbo != null ? turbo.read(bytes, (w, h) -> step, null) : null;
    return scaled != null ? scaled : reference(bytes, step);
  }

  @Test
  void aCanvasKeepsImagesUpToItsLimitAndReadsLargerOnesIntoImagesOfTheirOwn() throws IOException {
    RgbCanvas canvas = new RgbCanvas(3 * 200 * 150);
    byte[] small = jpeg(noise(200, 150, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    byte[] large = jpeg(noise(201, 150, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    byte[] portrait = jpeg(noise(150, 200, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    BufferedImage first = ImageReads.decode(small, (w, h) -> 1, canvas);
    assertSamePixels(first, reference(small, 1));
    BufferedImage second = ImageReads.decode(large, (w, h) -> 1, canvas);
    assertSamePixels(second, reference(large, 1));
    assertThat(second.getRaster().getDataBuffer())
        .as("over the limit: an image of its own")
        .isNotSameAs(first.getRaster().getDataBuffer());
    // 150x200 beside the kept 200x150 would need a 200x200 canvas, over the limit too.
    BufferedImage third = ImageReads.decode(portrait, (w, h) -> 1, canvas);
    assertSamePixels(third, reference(portrait, 1));
    assertThat(third.getRaster().getDataBuffer()).isNotSameAs(first.getRaster().getDataBuffer());
    BufferedImage fourth = ImageReads.decode(small, (w, h) -> 2, canvas);
    assertSamePixels(fourth, expected(small, 2));
    assertThat(fourth.getRaster().getDataBuffer())
        .as("within the limit: the kept canvas")
        .isSameAs(first.getRaster().getDataBuffer());
  }

  @Test
  void decodeReadsPngsWithTheConnectorsReaderAndJpegsAsTheJdkWould() throws IOException {
    byte[] png = TestImages.png(45, 31, 2, TestImages.samples(45, 31, 3, RANDOM), 5, 1, 8, 0);
    BufferedImage fromPng = ImageReads.decode(png, (w, h) -> 1);
    assertThat(((PixelInterleavedSampleModel) fromPng.getSampleModel()).getScanlineStride())
        .as("PngDecoder's rows keep their filter byte")
        .isEqualTo(1 + 3 * 45);
    assertSamePixels(fromPng, ImageIO.read(new ByteArrayInputStream(png)));
    byte[] jpeg = jpeg(noise(45, 31, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    BufferedImage fromJpeg = ImageReads.decode(jpeg, (w, h) -> 2);
    assertThat(bandOffsets(fromJpeg)).containsExactly(0, 1, 2);
    assertSamePixels(fromJpeg, expected(jpeg, 2));
    assertSamePixels(ImageReads.decode(jpeg, (w, h) -> 1), reference(jpeg, 1));
    assertThat(ImageReads.decode("not an image".getBytes(StandardCharsets.US_ASCII), (w, h) -> 1))
        .isNull();
  }

  @Test
  void anEmbeddedProfileIsConvertedAsTheJdkConvertsIt() throws IOException {
    byte[] plain = jpeg(noise(120, 90, BufferedImage.TYPE_3BYTE_BGR, RANDOM), false);
    byte[] bytes = withProfile(plain, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));
    BufferedImage image = read(bytes, 1);
    assertThat(image.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
    assertThat(bandOffsets(image)).containsExactly(0, 1, 2);
    BufferedImage expected = reference(bytes, 1);
    assertSamePixels(image, expected);
    assertSamePixels(ImageReads.decode(bytes, (w, h) -> 1), expected);
    assertSamePixels(ImageReads.decode(bytes, (w, h) -> 2), reference(bytes, 2));
    assertThat(expected.getRGB(60, 45))
        .as("the profile changes the pixels (else this test would not test it)")
        .isNotEqualTo(reference(plain, 1).getRGB(60, 45));
  }

  /** {@code jpeg} with {@code profile} in an APP2 segment after its first (JFIF) segment. */
  static byte[] withProfile(byte[] jpeg, ICC_Profile profile) {
    assertThat(jpeg[3] & 0xff).as("a JFIF segment first").isEqualTo(0xe0);
    byte[] data = profile.getData();
    byte[] name = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
    int length = 2 + name.length + 2 + data.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 4 + (((jpeg[4] & 0xff) << 8) | (jpeg[5] & 0xff));
    out.write(jpeg, 0, at);
    out.write(0xff);
    out.write(0xe2);
    out.write(length >> 8);
    out.write(length & 0xff);
    out.writeBytes(name);
    out.write(1); // this segment's number
    out.write(1); // of one
    out.writeBytes(data);
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  @Test
  void greyJpegsAndOtherFormatsAreReadAsTheJdkReadsThem() throws IOException {
    byte[] grey = jpeg(noise(99, 71, BufferedImage.TYPE_BYTE_GRAY, RANDOM), false);
    for (int step : new int[] {1, 2}) {
      BufferedImage image = read(grey, step);
      assertThat(image.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
      assertSamePixels(image, reference(grey, step));
    }
    for (String format : new String[] {"png", "gif", "bmp"}) {
      byte[] bytes = encode(noise(61, 43, BufferedImage.TYPE_3BYTE_BGR, RANDOM), format);
      BufferedImage image = read(bytes, 4);
      BufferedImage expected = ImageIO.read(new ByteArrayInputStream(bytes));
      assertThat(image.getType()).as(format).isEqualTo(expected.getType());
      assertSamePixels(image, expected);
    }
    assertThat(read("not an image".getBytes(StandardCharsets.US_ASCII), 1)).isNull();
  }

  /**
   * Without TurboJPEG, a reduced JPEG is close to what Pillow's {@code draft} reads from the same
   * files (TurboJpegTest's goldens), far closer than the JDK's own subsampling: a block's mean is
   * near what scaling in the DCT domain gives, one pixel of the block is not.
   */
  @Test
  void readReducedWithoutTurboJpegIsCloseToPillowsDraft() throws IOException {
    double means = 0;
    double subsampled = 0;
    int readings = 0;
    for (String name : new String[] {"420", "420-odd", "422", "444"}) {
      byte[] jpeg = TurboJpegTest.resource(name + ".jpg");
      for (int step : new int[] {2, 4, 8}) {
        int[] draft =
            TurboJpegTest.samples(
                ImageIO.read(
                    new ByteArrayInputStream(TurboJpegTest.resource(name + "_" + step + ".png"))));
        double mean = meanDifference(TurboJpegTest.samples(read(jpeg, step)), draft);
        double everyStepth = meanDifference(TurboJpegTest.samples(subsampled(jpeg, step)), draft);
        assertThat(mean)
            .as("%s at 1/%d, against subsampling's %.2f", name, step, everyStepth)
            .isLessThan(everyStepth);
        means += mean;
        subsampled += everyStepth;
        readings++;
      }
    }
    // Measured: 1.5 levels of 255 on average (0.36 to 5.7), subsampling 7.0 (2.6 to 15.3).
    assertThat(means / readings).as("mean difference from Pillow's draft").isLessThan(2.0);
    assertThat(subsampled / readings).as("subsampling's").isGreaterThan(5.0);
  }

  private static double meanDifference(int[] actual, int[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    long sum = 0;
    for (int i = 0; i < actual.length; i++) {
      sum += Math.abs(actual[i] - expected[i]);
    }
    return (double) sum / actual.length;
  }
}
