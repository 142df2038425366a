package io.coreviz.spark.clip.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.errors.ConfigurationException;
import io.coreviz.spark.image.ImageReads;
import io.coreviz.spark.image.InterleavedPixels;
import io.coreviz.spark.image.RgbCanvas;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.spi.IIORegistry;

/**
 * CLIP's image preprocessing: decode, convert to RGB (alpha dropped, grey replicated, palettes
 * looked up, as Pillow's {@code convert("RGB")}), resize the shortest side to {@code size} with
 * Pillow's bicubic filter (the long side to {@code int(size * long / short)}), centre-crop {@code
 * crop} (offsets rounded half to even, as torchvision), scale to [0, 1] and normalise per channel.
 * The result is a CHW float tensor. Decoding covers JPEG, PNG, GIF and BMP (the JDK) and WebP
 * (TwelveMonkeys ImageIO, registered here so it also works from a jar added at run time).
 *
 * @param size the shortest side after resizing
 * @param crop the side of the centre crop
 */
public record ImagePreprocessor(int size, int crop, float[] mean, float[] std)
    implements Serializable {

  /** OpenAI CLIP's values: 224, 224, and the mean and std of its training images. */
  public static final ImagePreprocessor CLIP =
      new ImagePreprocessor(
          224,
          224,
          new float[] {0.48145466f, 0.4578275f, 0.40821073f},
          new float[] {0.26862954f, 0.26130258f, 0.27577711f});

  static {
    IIORegistry.getDefaultInstance()
        .registerServiceProvider(new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi());
  }

  public ImagePreprocessor {
    if (size < crop || crop < 1 || mean.length != 3 || std.length != 3) {
      throw new ConfigurationException(
          "invalid preprocessing: size "
              + size
              + ", crop "
              + crop
              + " (need 1 <= crop <= size) and 3 means and stds");
    }
  }

  /** A Hugging Face {@code preprocessor_config.json} (CLIPImageProcessor); bicubic only. */
  public static ImagePreprocessor fromConfig(Path file) {
    JsonNode config;
    try {
      config = new ObjectMapper().readTree(Files.newInputStream(file));
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (config.has("resample") && config.get("resample").asInt() != 3) {
      throw new ConfigurationException(
          file + ": resample " + config.get("resample") + " is not supported; only 3 (bicubic)");
    }
    JsonNode sizeNode = config.path("size");
    int size =
        sizeNode.isInt() ? sizeNode.asInt() : sizeNode.path("shortest_edge").asInt(CLIP.size);
    JsonNode cropNode = config.path("crop_size");
    int crop =
        !config.path("do_center_crop").asBoolean(true)
            ? size
            : cropNode.isInt() ? cropNode.asInt() : cropNode.path("height").asInt(CLIP.crop);
    if (cropNode.isObject() && cropNode.path("width").asInt(crop) != crop) {
      throw new ConfigurationException(file + ": only square crops are supported: " + cropNode);
    }
    return new ImagePreprocessor(
        size,
        crop,
        floats(config.path("image_mean"), CLIP.mean),
        floats(config.path("image_std"), CLIP.std));
  }

  private static float[] floats(JsonNode node, float[] fallback) {
    if (!node.isArray()) {
      return fallback;
    }
    float[] values = new float[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) node.get(i).asDouble();
    }
    return values;
  }

  /** Floats per image: {@code 3 * crop * crop}. */
  public int tensorSize() {
    return 3 * crop * crop;
  }

  /**
   * Decodes {@code bytes} and writes the CHW tensor into {@code out} at {@code offset}.
   *
   * @throws UndecodableImageException when no decoder reads the bytes
   */
  public void preprocess(byte[] bytes, float[] out, int offset) throws UndecodableImageException {
    preprocess(bytes, out, offset, false);
  }

  /**
   * As above; with {@code reducedScale}, a JPEG whose short side is at least twice {@code size} is
   * decoded at 1/2, 1/4 or 1/8 of its size, the most that keeps its short side at least {@code
   * size}, as Pillow's {@code draft} would choose: several times less resizing for photographs
   * (and, with libjpeg-turbo, less decoding), with pixels that differ slightly from Pillow's
   * full-size reading. Each pixel is the mean of those it stands for: where the JVM has
   * libjpeg-turbo's Java API, scaled in the DCT domain as {@code draft} reads it; otherwise read in
   * full by the JDK, then each block's mean taken, close to that (see {@link ImageReads}). Other
   * formats and smaller JPEGs are decoded in full.
   */
  public void preprocess(byte[] bytes, float[] out, int offset, boolean reducedScale)
      throws UndecodableImageException {
    preprocess(bytes, out, offset, reducedScale, new Workspace());
  }

  /** As above, reusing {@code workspace}'s buffers: the way to preprocess image after image. */
  public void preprocess(
      byte[] bytes, float[] out, int offset, boolean reducedScale, Workspace workspace)
      throws UndecodableImageException {
    preprocess(decode(bytes, reducedScale, workspace.canvas()), out, offset, workspace);
  }

  /**
   * The first step of {@link #preprocess(byte[], float[], int, boolean)}: the decoded image, large
   * JPEGs reduced when {@code reducedScale}.
   *
   * @throws UndecodableImageException when no decoder reads the bytes
   */
  public BufferedImage decode(byte[] bytes, boolean reducedScale) throws UndecodableImageException {
    return decode(bytes, reducedScale, null);
  }

  private BufferedImage decode(byte[] bytes, boolean reducedScale, RgbCanvas canvas)
      throws UndecodableImageException {
    BufferedImage image;
    try {
      image = ImageReads.decode(bytes, (w, h) -> reducedScale ? reduction(w, h, size) : 1, canvas);
    } catch (ConfigurationException e) {
      throw e; // a setting at fault, not the picture
    } catch (IOException | RuntimeException e) {
      throw new UndecodableImageException("cannot decode image: " + e.getMessage());
    }
    if (image == null) {
      throw new UndecodableImageException(
          "cannot decode image: no decoder for this format (JPEG, PNG, GIF, BMP and WebP are read)");
    }
    return image;
  }

  /** 1, 2, 4 or 8: the most a {@code width × height} image is reduced keeping {@code size}. */
  static int reduction(int width, int height, int size) {
    int step = 1;
    while (step < 8 && Math.min(width, height) / (2 * step) >= size) {
      step *= 2;
    }
    return step;
  }

  /**
   * The rest of it: resize, crop and normalise {@code image} into {@code out} at {@code offset}.
   */
  public void preprocess(BufferedImage image, float[] out, int offset) {
    preprocess(image, out, offset, new Workspace());
  }

  /** As above, reusing {@code workspace}'s buffers. */
  public void preprocess(BufferedImage image, float[] out, int offset, Workspace workspace) {
    int width = image.getWidth();
    int height = image.getHeight();
    int shortSide = Math.min(width, height);
    int longSide = Math.max(width, height);
    int resizedLong = (int) ((double) size * longSide / shortSide);
    int outWidth = width <= height ? size : resizedLong;
    int outHeight = width <= height ? resizedLong : size;
    int top = (int) Math.rint((outHeight - crop) / 2.0);
    int left = (int) Math.rint((outWidth - crop) / 2.0);
    byte[] rgb =
        PilBicubic.resizedCrop(source(image), outWidth, outHeight, left, top, crop, workspace);
    normalise(rgb, workspace.tables(this), out, offset);
  }

  /**
   * Interleaved RGB bytes of the crop to CHW floats, each channel as {@code (v / 255 - mean) /
   * std}.
   */
  private void normalise(byte[] rgb, float[][] tables, float[] out, int offset) {
    float[] red = tables[0];
    float[] green = tables[1];
    float[] blue = tables[2];
    int plane = crop * crop;
    for (int i = 0, p = 0; i < plane; i++, p += 3) {
      out[offset + i] = red[rgb[p] & 0xff];
      out[offset + plane + i] = green[rgb[p + 1] & 0xff];
      out[offset + 2 * plane + i] = blue[rgb[p + 2] & 0xff];
    }
  }

  /** Every byte's normalised value per channel (768 floats: cheaper than a division per pixel). */
  float[][] tables() {
    float[][] tables = new float[3][256];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        tables[c][v] = (v / 255f - mean[c]) / std[c];
      }
    }
    return tables;
  }

  /** The decoder's pixels read in place where their layout allows, else copied to RGB. */
  private static InterleavedPixels source(BufferedImage image) {
    InterleavedPixels pixels = InterleavedPixels.of(image);
    return pixels != null
        ? pixels
        : InterleavedPixels.rgb(rgb(image), image.getWidth(), image.getHeight());
  }

  /** Interleaved 8-bit RGB, as Pillow's {@code convert("RGB")} would give. */
  static byte[] rgb(BufferedImage image) {
    int width = image.getWidth();
    int height = image.getHeight();
    int pixels = width * height;
    byte[] rgb = new byte[3 * pixels];
    Raster raster = image.getRaster();
    if (raster.getDataBuffer() instanceof DataBufferInt buffer
        && (image.getType() == BufferedImage.TYPE_INT_RGB
            || image.getType() == BufferedImage.TYPE_INT_ARGB)
        && buffer.getData().length == pixels) {
      unpack(buffer.getData(), rgb);
      return rgb;
    }
    boolean grey =
        !(image.getColorModel() instanceof IndexColorModel)
            && raster.getNumBands() <= 2
            && raster.getSampleModel().getSampleSize(0) == 8;
    if (grey) {
      // Raw samples: getRGB would push grey through a linear-to-sRGB conversion Pillow never does.
      int[] samples = raster.getSamples(0, 0, width, height, 0, (int[]) null);
      for (int i = 0; i < pixels; i++) {
        byte v = (byte) samples[i];
        rgb[3 * i] = v;
        rgb[3 * i + 1] = v;
        rgb[3 * i + 2] = v;
      }
      return rgb;
    }
    unpack(image.getRGB(0, 0, width, height, null, 0, width), rgb);
    return rgb;
  }

  private static void unpack(int[] argb, byte[] rgb) {
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (byte) (argb[i] >> 16);
      rgb[3 * i + 1] = (byte) (argb[i] >> 8);
      rgb[3 * i + 2] = (byte) argb[i];
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ImagePreprocessor that
        && size == that.size
        && crop == that.crop
        && Arrays.equals(mean, that.mean)
        && Arrays.equals(std, that.std);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * size + crop) + 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "ImagePreprocessor[size="
        + size
        + ", crop="
        + crop
        + ", mean="
        + Arrays.toString(mean)
        + ", std="
        + Arrays.toString(std)
        + "]";
  }
}
