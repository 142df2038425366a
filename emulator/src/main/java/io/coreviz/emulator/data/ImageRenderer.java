package io.coreviz.emulator.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Renders small, deterministic, real images (PNG or JPEG) so blob URLs serve bytes any image
 * decoder accepts. The picture depends only on the seed: a gradient and a few shapes.
 */
public final class ImageRenderer {

  private ImageRenderer() {}

  /**
   * @param format an ImageIO format name: {@code png} or {@code jpg}
   */
  public static byte[] render(long seed, int width, int height, String format) {
    Random random = new Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      Color from = new Color(random.nextInt(0xFFFFFF));
      Color to = new Color(random.nextInt(0xFFFFFF));
      g.setPaint(new java.awt.GradientPaint(0, 0, from, width, height, to));
      g.fillRect(0, 0, width, height);
      for (int i = 0; i < 4; i++) {
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        int w = 1 + random.nextInt(Math.max(1, width / 2));
        int h = 1 + random.nextInt(Math.max(1, height / 2));
        int x = random.nextInt(Math.max(1, width - w));
        int y = random.nextInt(Math.max(1, height - h));
        if (random.nextBoolean()) {
          g.fillOval(x, y, w, h);
        } else {
          g.fillRect(x, y, w, h);
        }
      }
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalArgumentException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
