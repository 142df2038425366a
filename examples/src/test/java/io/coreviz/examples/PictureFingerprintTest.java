package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The fingerprint read from a picture's bytes equals the one computed the plain way (every pixel
 * through {@code getRGB}, each grid on its own, as the history's earlier hashes were), for every
 * pixel layout the decoders give and some they do not.
 */
class PictureFingerprintTest {

  private static final int[] TYPES = {
    BufferedImage.TYPE_3BYTE_BGR,
    BufferedImage.TYPE_4BYTE_ABGR,
    BufferedImage.TYPE_4BYTE_ABGR_PRE,
    BufferedImage.TYPE_INT_RGB,
    BufferedImage.TYPE_INT_ARGB,
    BufferedImage.TYPE_INT_BGR,
    BufferedImage.TYPE_BYTE_GRAY,
    BufferedImage.TYPE_USHORT_GRAY,
    BufferedImage.TYPE_BYTE_INDEXED,
  };

  /** Gradients, shapes and per-pixel noise, with a translucent corner. */
  private static BufferedImage picture(int width, int height, int type, long seed) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 255 / Math.max(1, width - 1) + random.nextInt(40)) & 0xFF;
        int g = (y * 255 / Math.max(1, height - 1) + random.nextInt(40)) & 0xFF;
        int b = ((x ^ y) + random.nextInt(40)) & 0xFF;
        int a = x < width / 4 && y < height / 4 ? 128 : 255;
        image.setRGB(x, y, a << 24 | r << 16 | g << 8 | b);
      }
    }
    return image;
  }

  private static BufferedImage reencoded(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).as("a %s writer", format).isTrue();
    return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
  }

  @Test
  void everyLayoutGivesThePlainFingerprint() throws IOException {
    List<BufferedImage> pictures = new ArrayList<>();
    int[][] sizes = {{800, 600}, {333, 517}, {31, 17}, {1, 1}, {33, 1000}};
    for (int[] size : sizes) {
      for (int type : TYPES) {
        pictures.add(picture(size[0], size[1], type, size[0] * 31L + type));
      }
    }
    // What the decoders give: JPEG as BGR bytes, PNG as RGB, RGBA and grey bytes in their order.
    BufferedImage rgb = picture(640, 480, BufferedImage.TYPE_INT_RGB, 1);
    pictures.add(reencoded(rgb, "jpg"));
    pictures.add(reencoded(rgb, "png"));
    pictures.add(reencoded(picture(640, 480, BufferedImage.TYPE_INT_ARGB, 2), "png"));
    pictures.add(reencoded(picture(640, 480, BufferedImage.TYPE_BYTE_GRAY, 3), "png"));
    pictures.add(reencoded(picture(640, 480, BufferedImage.TYPE_BYTE_GRAY, 4), "jpg"));
    // A part of a picture: its pixels do not start at its raster's first byte.
    pictures.add(picture(800, 600, BufferedImage.TYPE_3BYTE_BGR, 5).getSubimage(13, 7, 500, 400));

    int readFromBytes = 0;
    for (BufferedImage image : pictures) {
      PictureFingerprint fingerprint = PictureFingerprint.of(image);
      String what = image.getWidth() + "x" + image.getHeight() + " " + image;
      assertThat(fingerprint.hash()).as("hash of %s", what).isEqualTo(plainHash(image));
      assertThat(fingerprint.colors()).as("colours of %s", what).isEqualTo(plainColors(image));
      readFromBytes += PictureFingerprint.readsBytes(image) ? 1 : 0;
    }
    // Both ways of reading pixels were compared, and decoded colour JPEGs and PNGs take the fast
    // one.
    assertThat(readFromBytes).isBetween(1, pictures.size() - 1);
    for (BufferedImage decoded : pictures.subList(pictures.size() - 6, pictures.size() - 3)) {
      assertThat(PictureFingerprint.readsBytes(decoded)).as("%s read from bytes", decoded).isTrue();
    }
  }

  // The plain way: every pixel through getRGB at once, a pass per grid, means in doubles.

  private static double[][][] plainMeans(BufferedImage image, int cells) {
    int width = image.getWidth();
    int height = image.getHeight();
    int[] pixels = image.getRGB(0, 0, width, height, null, 0, width);
    double[][][] sums = new double[cells][cells][3];
    int[][] counts = new int[cells][cells];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = pixels[y * width + x];
        double[] sum = sums[y * cells / height][x * cells / width];
        sum[0] += (rgb >> 16) & 0xFF;
        sum[1] += (rgb >> 8) & 0xFF;
        sum[2] += rgb & 0xFF;
        counts[y * cells / height][x * cells / width]++;
      }
    }
    for (int y = 0; y < cells; y++) {
      for (int x = 0; x < cells; x++) {
        for (int c = 0; c < 3; c++) {
          sums[y][x][c] /= Math.max(1, counts[y][x]);
        }
      }
    }
    return sums;
  }

  private static byte[] plainColors(BufferedImage image) {
    double[][][] means = plainMeans(image, 4);
    byte[] colors = new byte[48];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          colors[(y * 4 + x) * 3 + c] = (byte) Math.round(means[y][x][c]);
        }
      }
    }
    return colors;
  }

  private static long plainHash(BufferedImage image) {
    double[][][] means = plainMeans(image, 32);
    double[][] grey = new double[32][32];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        grey[y][x] = 0.299 * means[y][x][0] + 0.587 * means[y][x][1] + 0.114 * means[y][x][2];
      }
    }
    // The DCT as the history's earlier hashes were computed: each row, then each column, in this
    // order of sums (a 1x1 or flat picture's coefficients are rounding noise, ordered by it).
    double[][] dct = plainDct(plainDct(grey));
    double[] low = new double[64];
    for (int v = 0; v < 8; v++) {
      for (int u = 0; u < 8; u++) {
        low[v * 8 + u] = dct[v][u];
      }
    }
    double[] sorted = Arrays.copyOfRange(low, 1, 64);
    Arrays.sort(sorted);
    long hash = 0;
    for (int i = 1; i < 64; i++) {
      if (low[i] > sorted[31]) {
        hash |= 1L << i;
      }
    }
    return hash;
  }

  private static double[][] plainDct(double[][] in) {
    double[][] out = new double[32][32];
    for (int row = 0; row < 32; row++) {
      for (int k = 0; k < 32; k++) {
        double sum = 0;
        for (int i = 0; i < 32; i++) {
          sum += in[row][i] * Math.cos(Math.PI / 32 * (i + 0.5) * k);
        }
        out[k][row] = sum;
      }
    }
    return out;
  }
}
