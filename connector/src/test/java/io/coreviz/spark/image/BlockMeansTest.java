package io.coreviz.spark.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * BlockMeans gives each pixel the rounded mean of its block, sample by sample, whatever the layout
 * it reduces in place; expectations are computed here a sample at a time through the raster.
 */
class BlockMeansTest {

  private static final SplittableRandom RANDOM = new SplittableRandom(29);

  /**
   * {@code image} reduced by {@code step}, one sample at a time: each the mean of its block's
   * samples (of the pixels the block has, at the edges), rounded half up, in an image of the same
   * colour model.
   */
  static BufferedImage meansOf(BufferedImage image, int step) {
    int width = (image.getWidth() + step - 1) / step;
    int height = (image.getHeight() + step - 1) / step;
    Raster in = image.getRaster();
    WritableRaster out = image.getColorModel().createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int band = 0; band < in.getNumBands(); band++) {
          int sum = 0;
          int count = 0;
          for (int sy = y * step; sy < Math.min((y + 1) * step, image.getHeight()); sy++) {
            for (int sx = x * step; sx < Math.min((x + 1) * step, image.getWidth()); sx++) {
              sum += in.getSample(sx, sy, band);
              count++;
            }
          }
          out.setSample(x, y, band, (2 * sum + count) / (2 * count));
        }
      }
    }
    return new BufferedImage(image.getColorModel(), out, false, null);
  }

  private static void assertSameSamples(BufferedImage actual, BufferedImage expected, String what) {
    assertThat(actual.getWidth()).as(what + ": width").isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).as(what + ": height").isEqualTo(expected.getHeight());
    int bands = expected.getRaster().getNumBands();
    assertThat(actual.getRaster().getNumBands()).as(what + ": bands").isEqualTo(bands);
    for (int y = 0; y < expected.getHeight(); y++) {
      for (int x = 0; x < expected.getWidth(); x++) {
        for (int band = 0; band < bands; band++) {
          int got = actual.getRaster().getSample(x, y, band);
          int want = expected.getRaster().getSample(x, y, band);
          if (got != want) {
            assertThat(got).as("%s: (%d, %d) band %d", what, x, y, band).isEqualTo(want);
          }
        }
      }
    }
  }

  /** A copy of {@code image}, so that the reduction in place leaves the original to compare. */
  private static BufferedImage copy(BufferedImage image) {
    BufferedImage copy =
        new BufferedImage(
            image.getColorModel(),
            image
                .getColorModel()
                .createCompatibleWritableRaster(image.getWidth(), image.getHeight()),
            image.isAlphaPremultiplied(),
            null);
    copy.setData(image.getRaster());
    return copy;
  }

  @Test
  void everyInterleavedLayoutGetsEachBlocksMean() {
    int reduced = 0;
    for (int type :
        new int[] {
          BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_4BYTE_ABGR
        }) {
      // Widths whose rows are not whole 8-byte words, sizes not whole blocks, a row of one pixel.
      for (int[] size : new int[][] {{203, 157}, {64, 48}, {17, 9}, {1, 1}, {9, 1}}) {
        BufferedImage image = TestImages.noise(size[0], size[1], type, RANDOM);
        for (int step : new int[] {2, 3, 4, 8}) {
          String what = "type %d, %dx%d, step %d".formatted(type, size[0], size[1], step);
          assertSameSamples(BlockMeans.reduce(copy(image), step), meansOf(image, step), what);
          reduced++;
        }
      }
    }
    assertThat(reduced).isEqualTo(3 * 5 * 4);
  }

  @Test
  void anImageInTheCornerOfALargerCanvasIsReducedWithTheCanvassRows() {
    RgbCanvas canvas = new RgbCanvas();
    canvas.of(640, 480);
    for (int[] size : new int[][] {{203, 157}, {640, 479}, {33, 480}}) {
      BufferedImage source =
          TestImages.noise(size[0], size[1], BufferedImage.TYPE_3BYTE_BGR, RANDOM);
      BufferedImage corner = canvas.of(size[0], size[1]);
      corner.setData(source.getRaster());
      BufferedImage reduced = BlockMeans.reduce(corner, 4);
      assertThat(reduced.getRaster().getDataBuffer())
          .as("reduced in the canvas's own buffer")
          .isSameAs(corner.getRaster().getDataBuffer());
      assertSameSamples(reduced, meansOf(source, 4), "%dx%d".formatted(size[0], size[1]));
    }
  }

  @Test
  void aBlockOf256RowsOfWhiteStaysWhite() {
    // The rows' sums are kept in 16-bit lanes: 256 rows of 255 must not spill into the next lane.
    BufferedImage white = ImageReads.rgb(300, 260);
    java.util.Arrays.fill(
        ((java.awt.image.DataBufferByte) white.getRaster().getDataBuffer()).getData(), (byte) -1);
    BufferedImage reduced = BlockMeans.reduce(white, 256);
    assertThat(reduced.getWidth()).isEqualTo(2);
    assertThat(reduced.getHeight()).isEqualTo(2);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 2; x++) {
        assertThat(reduced.getRGB(x, y)).as("(%d, %d)", x, y).isEqualTo(0xffffffff);
      }
    }
    assertThatThrownBy(() -> BlockMeans.reduce(white, 257))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("257");
  }

  @Test
  void otherLayoutsAndStepOneAreLeftAsTheyAre() {
    BufferedImage ints = TestImages.noise(40, 30, BufferedImage.TYPE_INT_RGB, RANDOM);
    BufferedImage before = copy(ints);
    assertThat(BlockMeans.reduce(ints, 2)).isSameAs(ints);
    assertSameSamples(ints, before, "TYPE_INT_RGB, untouched");
    BufferedImage bytes = TestImages.noise(40, 30, BufferedImage.TYPE_3BYTE_BGR, RANDOM);
    assertThat(BlockMeans.reduce(bytes, 1)).isSameAs(bytes);
  }
}
