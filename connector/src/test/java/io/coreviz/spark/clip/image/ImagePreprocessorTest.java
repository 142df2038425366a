package io.coreviz.spark.clip.image;

import static io.coreviz.spark.image.TestImages.encode;
import static io.coreviz.spark.image.TestImages.noise;
import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.image.TestImages;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The preprocessing computes only the crop's pixels and reads decoders' layouts in place; its
 * output must be the very floats of the plain way (whole resize, crop, normalise), which matches
 * Pillow's golden values ({@code ClipModelTest}), for every layout, size and crop.
 */
class ImagePreprocessorTest {

  private static final int[] TYPES = {
    BufferedImage.TYPE_3BYTE_BGR,
    BufferedImage.TYPE_4BYTE_ABGR,
    BufferedImage.TYPE_INT_RGB,
    BufferedImage.TYPE_INT_ARGB,
    BufferedImage.TYPE_INT_BGR,
    BufferedImage.TYPE_BYTE_GRAY,
    BufferedImage.TYPE_USHORT_GRAY,
    BufferedImage.TYPE_BYTE_INDEXED
  };

  @Test
  void everyLayoutAndSizeGivesThePlainWaysFloats() {
    SplittableRandom random = new SplittableRandom(7);
    ImagePreprocessor wider = new ImagePreprocessor(256, 224, clip().mean(), clip().std());
    ImagePreprocessor smaller = new ImagePreprocessor(200, 160, clip().std(), clip().mean());
    // One workspace for every image, size and preprocessor, as a pipeline's thread reuses it.
    Workspace workspace = new Workspace();
    int checked = 0;
    for (int i = 0; i < 160; i++) {
      // small images are upscaled, sides of exactly 224 or 256 skip a pass
      int width = i % 9 == 0 ? 224 : i % 13 == 0 ? 256 : 1 + random.nextInt(i < 80 ? 400 : 1300);
      int height = i % 11 == 0 ? 224 : 1 + random.nextInt(i < 80 ? 400 : 1300);
      BufferedImage image = noise(width, height, TYPES[i % TYPES.length], random);
      byte[] rgb = PillowReference.rgb(image);
      for (ImagePreprocessor preprocessor : new ImagePreprocessor[] {clip(), wider, smaller}) {
        float[] actual = new float[preprocessor.tensorSize()];
        preprocessor.preprocess(image, actual, 0);
        float[] reused = new float[preprocessor.tensorSize()];
        preprocessor.preprocess(image, reused, 0, workspace);
        float[] expected =
            PillowReference.preprocess(
                rgb,
                width,
                height,
                preprocessor.size(),
                preprocessor.crop(),
                preprocessor.mean(),
                preprocessor.std());
        assertThat(actual).as("%dx%d type %d", width, height, image.getType()).isEqualTo(expected);
        assertThat(reused)
            .as("%dx%d type %d, workspace reused", width, height, image.getType())
            .isEqualTo(expected);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(480);
  }

  @Test
  void decodedJpegsAndPngsGiveThePlainWaysFloats() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    int[][] sizes = {{800, 600}, {600, 800}, {333, 500}, {1201, 901}, {300, 200}};
    // One workspace for all: smaller JPEGs are decoded into a corner of its canvas.
    Workspace workspace = new Workspace();
    for (int[] size : sizes) {
      for (String format : new String[] {"jpg", "png"}) {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY}) {
          byte[] bytes = encode(noise(size[0], size[1], type, random), format);
          float[] actual = new float[clip().tensorSize()];
          clip().preprocess(bytes, actual, 0);
          float[] reused = new float[clip().tensorSize()];
          clip().preprocess(bytes, reused, 0, false, workspace);
          assertThat(reused)
              .as("%s %dx%d, workspace reused", format, size[0], size[1])
              .isEqualTo(actual);
          BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
          float[] expected =
              PillowReference.preprocess(decoded, 224, 224, clip().mean(), clip().std());
          assertThat(actual)
              .as("%s %dx%d decoded as type %d", format, size[0], size[1], decoded.getType())
              .isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void pngsOfEveryColourTypeAndFilterGiveTheJdkImagesFloats() throws Exception {
    SplittableRandom random = new SplittableRandom(13);
    for (int colourType : new int[] {0, 2, 4, 6}) {
      byte[] samples = TestImages.samples(403, 300, TestImages.CHANNELS[colourType], random);
      byte[] png = TestImages.png(403, 300, colourType, samples, 5, 3, 8, 0);
      float[] actual = new float[clip().tensorSize()];
      clip().preprocess(png, actual, 0);
      BufferedImage jdk = ImageIO.read(new java.io.ByteArrayInputStream(png));
      float[] expected = PillowReference.preprocess(jdk, 224, 224, clip().mean(), clip().std());
      assertThat(actual).as("colour type %d", colourType).isEqualTo(expected);
    }
  }

  @Test
  void reducedScaleKeepsTheShortSideAtLeastTheModelsSize() {
    int[][] cases = { // width, height, step
      {447, 2000, 1},
      {448, 448, 2},
      {800, 600, 2},
      {600, 800, 2},
      {2400, 1600, 4},
      {1792, 1792, 8},
      {1791, 4000, 4},
      {8000, 6000, 8},
      {100, 100, 1}
    };
    for (int[] c : cases) {
      assertThat(ImagePreprocessor.reduction(c[0], c[1], 224))
          .as("%dx%d", c[0], c[1])
          .isEqualTo(c[2]);
    }
  }

  @Test
  void reducedScaleChangesLargeJpegsSlightlyAndNothingElse() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    byte[] large = encode(smooth(1600, 1200, random), "jpg");
    byte[] small = encode(smooth(400, 300, random), "jpg");
    byte[] png = encode(smooth(1600, 1200, random), "png");

    for (byte[] bytes : new byte[][] {small, png}) {
      assertThat(tensor(bytes, true)).isEqualTo(tensor(bytes, false));
    }
    float[] exact = tensor(large, false);
    float[] reduced = tensor(large, true);
    assertThat(reduced).isNotEqualTo(exact);
    double difference = 0;
    for (int i = 0; i < exact.length; i++) {
      difference += Math.abs(exact[i] - reduced[i]);
    }
    // in 0..255 levels (one level is about 1 / (255 * 0.27) here)
    double levels = difference / exact.length * 255 * 0.27;
    assertThat(levels).as("mean difference in levels").isLessThan(2.0);
  }

  private static float[] tensor(byte[] bytes, boolean reducedScale) throws Exception {
    float[] out = new float[clip().tensorSize()];
    clip().preprocess(bytes, out, 0, reducedScale);
    return out;
  }

  /** A photograph's kind of content: smooth shapes, little fine detail. */
  private static BufferedImage smooth(int width, int height, SplittableRandom random) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setPaint(
        new java.awt.GradientPaint(
            0,
            0,
            new java.awt.Color(random.nextInt(0x1000000)),
            width,
            height,
            new java.awt.Color(random.nextInt(0x1000000))));
    g.fillRect(0, 0, width, height);
    for (int i = 0; i < 8; i++) {
      g.setColor(new java.awt.Color(random.nextInt(0x1000000)));
      g.fillOval(random.nextInt(width / 2), random.nextInt(height / 2), width / 3, height / 3);
    }
    g.dispose();
    return image;
  }

  private static ImagePreprocessor clip() {
    return ImagePreprocessor.CLIP;
  }
}
