package io.coreviz.spark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.spark.CapturedLogs;
import io.coreviz.spark.clip.ClipFixtures;
import io.coreviz.spark.clip.image.ImagePreprocessor;
import io.coreviz.spark.clip.model.ModelSpec;
import io.coreviz.spark.clip.pipeline.ClipPipeline;
import io.coreviz.spark.clip.pipeline.ScoringSpec;
import io.coreviz.spark.convert.SparkImage;
import io.coreviz.spark.errors.ConfigurationException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * TurboJPEG reads JPEGs in full with the JDK's pixels and reduced with Pillow's {@code draft}'s,
 * and leaves to the JDK what it would read differently. Where libjpeg-turbo's Java API is not
 * installed (Debian: libturbojpeg-java, libturbojpeg0-dev) the tests that read with it are skipped,
 * except where {@code COREVIZ_REQUIRE_TURBOJPEG=1} (set by {@code .ci/run}) makes that a failure.
 */
class TurboJpegTest {

  private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

  /** TurboJPEG, or the test skipped (failed where it is required). */
  private static TurboJpeg turbo() {
    TurboJpeg turbo = TurboJpeg.shared();
    if (turbo == null) {
      assertThat(System.getenv("COREVIZ_REQUIRE_TURBOJPEG"))
          .as("TurboJPEG is required here (COREVIZ_REQUIRE_TURBOJPEG) but cannot be loaded")
          .isNotEqualTo("1");
      Assumptions.abort("libjpeg-turbo's Java API is not installed (libturbojpeg-java)");
    }
    return turbo;
  }

  /** A photograph's kind of content: gradients, shapes with edges, and a little grain. */
  private static BufferedImage picture(int width, int height, SplittableRandom random) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    int base = random.nextInt(0x1000000);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int shade = (x * 200 / Math.max(1, width - 1) + y * 200 / Math.max(1, height - 1)) / 2;
        int grain = random.nextInt(8) << 16 | random.nextInt(8) << 8 | random.nextInt(8);
        image.setRGB(x, y, (base + shade * 0x010203 + grain) & 0xffffff);
      }
    }
    Graphics2D g = image.createGraphics();
    for (int i = 0; i < 6; i++) {
      g.setColor(new Color(random.nextInt(0x1000000)));
      g.fillOval(
          random.nextInt(width), random.nextInt(height), 1 + width / 3, 1 + random.nextInt(height));
    }
    g.dispose();
    return image;
  }

  /**
   * {@code image} as the JDK writes a JPEG, its luma sampled {@code h × v} times the chroma (1 or 2
   * each), with a restart marker every {@code restart} MCUs (0: none).
   */
  private static byte[] jpeg(BufferedImage image, int h, int v, int restart, boolean progressive)
      throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try {
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (progressive) {
        param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      } else {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
      }
      IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      IIOMetadataNode tree = (IIOMetadataNode) metadata.getAsTree(FORMAT);
      IIOMetadataNode luma = (IIOMetadataNode) tree.getElementsByTagName("componentSpec").item(0);
      luma.setAttribute("HsamplingFactor", Integer.toString(h));
      luma.setAttribute("VsamplingFactor", Integer.toString(v));
      if (restart > 0) {
        IIOMetadataNode sequence =
            (IIOMetadataNode) tree.getElementsByTagName("markerSequence").item(0);
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", Integer.toString(restart));
        sequence.insertBefore(dri, sequence.getFirstChild());
      }
      metadata.setFromTree(FORMAT, tree);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
        writer.setOutput(out);
        writer.write(null, new IIOImage(image, null, metadata), param);
      }
      return bytes.toByteArray();
    } finally {
      writer.dispose();
    }
  }

  /** The image's samples, red, green, blue, row after row. */
  static int[] samples(BufferedImage image) {
    int[] samples = new int[3 * image.getWidth() * image.getHeight()];
    for (int y = 0, i = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++, i += 3) {
        int rgb = image.getRGB(x, y);
        samples[i] = rgb >> 16 & 0xff;
        samples[i + 1] = rgb >> 8 & 0xff;
        samples[i + 2] = rgb & 0xff;
      }
    }
    return samples;
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = TurboJpegTest.class.getResourceAsStream("/jpeg-draft/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @Test
  void readsInFullWithTheJdksPixels() throws IOException {
    TurboJpeg turbo = turbo();
    SplittableRandom random = new SplittableRandom(43);
    int read = 0;
    for (int[] size : new int[][] {{800, 600}, {203, 157}, {157, 203}, {17, 9}, {1, 1}}) {
      for (int[] sampling : new int[][] {{2, 2}, {2, 1}, {1, 2}, {1, 1}}) {
        for (int variant = 0; variant < 3; variant++) {
          // Baseline, baseline with restart markers every 3 MCUs, progressive.
          byte[] bytes =
              jpeg(
                  picture(size[0], size[1], random),
                  sampling[0],
                  sampling[1],
                  variant == 1 ? 3 : 0,
                  variant == 2);
          if (variant == 1 && size[0] > 100) {
            assertThat(hasRestartMarker(bytes)).as("restart markers written").isTrue();
          }
          BufferedImage expected = ImageIO.read(new ByteArrayInputStream(bytes));
          BufferedImage actual = turbo.read(bytes, (w, h) -> 1, null);
          String what =
              "%dx%d sampled %dx%d, variant %d"
                  .formatted(size[0], size[1], sampling[0], sampling[1], variant);
          assertThat(actual).as(what).isNotNull();
          assertThat(samples(actual)).as(what).isEqualTo(samples(expected));
          if (variant == 0) {
            // Without JFIF, components 1, 2, 3: both read it as YCbCr too.
            byte[] bare = withoutJfif(bytes);
            assertThat(samples(turbo.read(bare, (w, h) -> 1, null)))
                .as(what + ", no JFIF segment")
                .isEqualTo(samples(ImageIO.read(new ByteArrayInputStream(bare))));
          }
          read++;
        }
      }
    }
    assertThat(read).isEqualTo(5 * 4 * 3);
  }

  @Test
  void readsReducedWhatPillowsDraftReadsFromTheSameFiles() throws IOException {
    TurboJpeg turbo = turbo();
    // Written and read by Pillow on libjpeg-turbo (make_draft_goldens.py): 4:2:0 (one of an odd
    // size), 4:2:2 and 4:4:4, each at 1/2, 1/4 and 1/8.
    for (String name : new String[] {"420", "420-odd", "422", "444"}) {
      byte[] jpeg = resource(name + ".jpg");
      for (int step : new int[] {2, 4, 8}) {
        BufferedImage expected =
            ImageIO.read(new ByteArrayInputStream(resource(name + "_" + step + ".png")));
        BufferedImage actual = turbo.read(jpeg, (w, h) -> step, null);
        assertThat(actual).as("%s read at 1/%d", name, step).isNotNull();
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        assertThat(samples(actual)).as("%s at 1/%d", name, step).isEqualTo(samples(expected));
        BufferedImage byTheJdk =
            ImageReads.read(
                new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg)),
                (w, h) -> step,
                null);
        assertThat(samples(byTheJdk))
            .as(
                "the JDK's reading at 1/%d, each block's mean, differs (else this test would not"
                    + " test it)",
                step)
            .isNotEqualTo(samples(expected));
      }
    }
  }

  @Test
  void leavesToTheJdkWhatItWouldReadDifferently() throws IOException {
    TurboJpeg turbo = turbo();
    SplittableRandom random = new SplittableRandom(47);
    BufferedImage colour = picture(240, 180, random);
    byte[] baseline = jpeg(colour, 2, 2, 0, false);
    assertThat(turbo.read(baseline, (w, h) -> 2, null)).as("the control").isNotNull();
    assertThat(turbo.read(baseline, (w, h) -> 3, null)).as("a step not 1, 2, 4 or 8").isNull();
    byte[] profiled =
        ImageReadsTest.withProfile(baseline, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB));
    assertThat(turbo.read(profiled, (w, h) -> 1, null)).as("an ICC profile").isNull();
    BufferedImage grey = new BufferedImage(240, 180, BufferedImage.TYPE_BYTE_GRAY);
    grey.createGraphics().drawImage(colour, 0, 0, null);
    assertThat(turbo.read(TestImages.encode(grey, "jpeg"), (w, h) -> 1, null)).as("grey").isNull();
    assertThat(turbo.read(Arrays.copyOf(baseline, baseline.length / 2), (w, h) -> 1, null))
        .as("cut short")
        .isNull();
    assertThat(turbo.read(TestImages.encode(colour, "png"), (w, h) -> 1, null))
        .as("a PNG")
        .isNull();
  }

  @Test
  void whatIsLeftToTheJdkIsToldFromTheSegmentsBeforeTheFrame() throws IOException {
    SplittableRandom random = new SplittableRandom(53);
    byte[] jfif = jpeg(picture(64, 48, random), 2, 2, 0, false);
    assertThat(TurboJpeg.plainYcbcr(jfif)).as("JFIF").isTrue();
    byte[] bare = withoutJfif(jfif);
    assertThat(TurboJpeg.plainYcbcr(bare)).as("no JFIF, components 1, 2, 3").isTrue();
    assertThat(
            TurboJpeg.plainYcbcr(
                ImageReadsTest.withProfile(jfif, ICC_Profile.getInstance(ColorSpace.CS_sRGB))))
        .as("an ICC profile, even sRGB's")
        .isFalse();
    assertThat(TurboJpeg.plainYcbcr(withAdobeSegment(bare))).as("Adobe, no JFIF").isFalse();
    BufferedImage grey = new BufferedImage(64, 48, BufferedImage.TYPE_BYTE_GRAY);
    assertThat(TurboJpeg.plainYcbcr(TestImages.encode(grey, "jpeg"))).as("grey").isFalse();
    assertThat(TurboJpeg.plainYcbcr(Arrays.copyOf(jfif, 30))).as("cut in the headers").isFalse();
    assertThat(TurboJpeg.plainYcbcr(new byte[] {(byte) 0xff, (byte) 0xd8})).isFalse();
  }

  @Test
  void itsSettingIsTrueOrFalseAndNothingElse() {
    assertThat(TurboJpeg.enabled(null)).as("not set").isTrue();
    assertThat(TurboJpeg.enabled("true")).isTrue();
    assertThat(TurboJpeg.enabled("FALSE")).isFalse();
    assertThatThrownBy(() -> TurboJpeg.enabled("ture"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Invalid option '-Dcoreviz.turbojpeg' = 'ture': expected true or false");
  }

  @Test
  void aBadSettingFailsImageReadsRatherThanTheImages() throws IOException {
    byte[] jpeg =
        TestImages.encode(new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
    String before = System.getProperty("coreviz.turbojpeg");
    System.setProperty("coreviz.turbojpeg", "ture");
    TurboJpeg.forget();
    try {
      assertThatThrownBy(() -> ImageReads.decode(jpeg, (w, h) -> 1))
          .isInstanceOf(ConfigurationException.class);
      assertThatThrownBy(() -> SparkImage.decode("blob", jpeg))
          .as("the image column")
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'-Dcoreviz.turbojpeg' = 'ture'");
      assertThatThrownBy(() -> ImagePreprocessor.CLIP.decode(jpeg, true))
          .as("CLIP's images")
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'-Dcoreviz.turbojpeg' = 'ture'");
      ScoringSpec spec =
          new ScoringSpec(
              new ModelSpec(ClipFixtures.OPTIMUM.toString(), 1, false, Map.of()),
              4,
              2,
              Duration.ofSeconds(10),
              null,
              null,
              false);
      assertThatThrownBy(() -> spec.embedNow(List.of(jpeg)))
          .as("CLIP's pipeline, one row in the caller's thread")
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'-Dcoreviz.turbojpeg' = 'ture'");
      assertThatThrownBy(
              () -> {
                try (ClipPipeline<byte[]> pipeline =
                    spec.pipeline(List.of(jpeg, jpeg).iterator(), row -> List.of(row))) {
                  pipeline.next();
                }
              })
          .as("CLIP's pipeline, batches on its download threads")
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("'-Dcoreviz.turbojpeg' = 'ture'");
    } finally {
      if (before == null) {
        System.clearProperty("coreviz.turbojpeg");
      } else {
        System.setProperty("coreviz.turbojpeg", before);
      }
      TurboJpeg.forget();
    }
  }

  /** {@code jfif} without its JFIF segment (the first after SOI), as cameras write Exif files. */
  private static byte[] withoutJfif(byte[] jfif) {
    assertThat(jfif[3] & 0xff).as("a JFIF segment first").isEqualTo(0xe0);
    int app0 = 4 + ((jfif[4] & 0xff) << 8 | jfif[5] & 0xff);
    byte[] bare = new byte[jfif.length - (app0 - 2)];
    bare[0] = (byte) 0xff;
    bare[1] = (byte) 0xd8;
    System.arraycopy(jfif, app0, bare, 2, jfif.length - app0);
    return bare;
  }

  /** {@code jpeg} with an Adobe APP14 segment (transform 1: YCbCr) after SOI. */
  private static byte[] withAdobeSegment(byte[] jpeg) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xee, 0, 14});
    out.writeBytes("Adobe".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.writeBytes(new byte[] {0, 100, 0, 0, 0, 0, 1});
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** Stands in for TurboJPEG's decompressor when its native library is missing. */
  static final class NoNativeLibrary {
    static {
      if (true) {
        throw new UnsatisfiedLinkError("no turbojpeg in java.library.path");
      }
    }
  }

  @Test
  void aMissingNativeLibraryIsAWarningThatSaysWhatToInstall() throws IOException {
    CapturedLogs logs = new CapturedLogs("turbojpeg");
    try (logs) {
      TurboJpeg missing = TurboJpeg.load(NoNativeLibrary.class.getName());
      TurboJpeg absent = TurboJpeg.load("org.example.NoSuchDecompressor");
      byte[] jpeg =
          TestImages.encode(new BufferedImage(32, 24, BufferedImage.TYPE_3BYTE_BGR), "jpeg");
      assertThat(missing.read(jpeg, (w, h) -> 1, null)).isNull();
      assertThat(absent.read(jpeg, (w, h) -> 1, null)).isNull();
    }
    assertThat(logs.text())
        .contains(
            "WARN " + TurboJpeg.class.getName() + ": TurboJPEG (" + NoNativeLibrary.class.getName())
        .contains("UnsatisfiedLinkError: no turbojpeg in java.library.path")
        .contains("libturbojpeg.so (Debian and Ubuntu: libturbojpeg0-dev)")
        .doesNotContain("WARN " + TurboJpeg.class.getName() + ": TurboJPEG (org.example");
  }

  @Test
  void oneCanvasReadsImageAfterImageAsFreshImagesWould() throws IOException {
    TurboJpeg turbo = turbo();
    SplittableRandom random = new SplittableRandom(59);
    RgbCanvas canvas = new RgbCanvas();
    for (int[] size : new int[][] {{800, 600}, {203, 157}, {157, 203}, {640, 480}}) {
      byte[] bytes = jpeg(picture(size[0], size[1], random), 2, 2, 0, false);
      for (int step : new int[] {1, 2}) {
        BufferedImage fresh = turbo.read(bytes, (w, h) -> step, null);
        BufferedImage onCanvas = turbo.read(bytes, (w, h) -> step, canvas);
        assertThat(onCanvas.getWidth()).isEqualTo(fresh.getWidth());
        assertThat(onCanvas.getHeight()).isEqualTo(fresh.getHeight());
        assertThat(samples(onCanvas)).isEqualTo(samples(fresh));
      }
    }
  }

  private static boolean hasRestartMarker(byte[] jpeg) {
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xd0) {
        return true;
      }
    }
    return false;
  }
}
