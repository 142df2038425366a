package io.coreviz.spark.image;

import io.coreviz.spark.options.OptionSpec;
import java.awt.image.BufferedImage;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.IntBinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JPEGs decoded by libjpeg-turbo, the decoder Pillow uses, through its own Java API (TurboJPEG,
 * {@code org.libjpegturbo.turbojpeg}) where an executor has it: up to 1.6 times as fast as the
 * JDK's decoder in full, and 2.3 to 3.5 times reduced (where the JDK decodes in full, then takes
 * each block's mean). Read in full, its pixels are the JDK's (both do libjpeg's integer arithmetic;
 * TurboJpegTest compares them); read at 1/2, 1/4 or 1/8 it scales in the DCT domain, each pixel the
 * mean of those it stands for, as Pillow's {@code draft} does (the JDK's block means come close,
 * not the same bytes).
 *
 * <p>Not a dependency: TurboJPEG's jar and native library come with the operating system's package
 * (Debian and Ubuntu: {@code libturbojpeg-java} and {@code libturbojpeg0-dev}), found on the
 * classpath at run time. Where the jar is missing, or {@code -Dcoreviz.turbojpeg=false}, JPEGs are
 * the JDK's as before; where the jar is there but its native library does not load, a WARN says so
 * once. Files whose colours the JDK converts (an embedded ICC profile), that are not YCbCr, or that
 * TurboJPEG reports any problem with (truncated, damaged) are left to the JDK, so they read, or
 * fail, as they always have.
 */
final class TurboJpeg {

  static final String DECOMPRESSOR = "org.libjpegturbo.turbojpeg.TJDecompressor";

  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

  // TurboJPEG's constants (org.libjpegturbo.turbojpeg.TJ), stable across its versions.
  private static final int PF_RGB = 0;
  private static final int CS_YCBCR = 1;
  private static final int FLAG_STOPONWARNING = 8192;

  /** {@code -Dcoreviz.turbojpeg}, read as the source's true-or-false options are. */
  private static final OptionSpec<Boolean> SETTING =
      OptionSpec.bool(
          "-Dcoreviz.turbojpeg",
          true,
          "whether JPEGs are decoded by libjpeg-turbo where it is installed");

  private static volatile TurboJpeg shared;

  private final MethodHandle open;
  private final MethodHandle width;
  private final MethodHandle height;
  private final MethodHandle colorspace;
  private final MethodHandle decompress;
  private final MethodHandle close;

  private TurboJpeg(Class<?> decompressor) throws ReflectiveOperationException {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    open = lookup.findConstructor(decompressor, MethodType.methodType(void.class, byte[].class));
    width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class));
    height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class));
    colorspace =
        lookup.findVirtual(decompressor, "getColorspace", MethodType.methodType(int.class));
    decompress =
        lookup.findVirtual(
            decompressor,
            "decompress",
            MethodType.methodType(
                void.class,
                byte[].class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class,
                int.class));
    close = lookup.findVirtual(decompressor, "close", MethodType.methodType(void.class));
  }

  /** TurboJPEG where this JVM has it (loaded once), or null: JPEGs then go to the JDK's decoder. */
  static TurboJpeg shared() {
    TurboJpeg turbo = shared;
    if (turbo == null) {
      synchronized (TurboJpeg.class) {
        if (shared == null) {
          shared =
              enabled(System.getProperty("coreviz.turbojpeg"))
                  ? load(DECOMPRESSOR)
                  : unavailable("-Dcoreviz.turbojpeg=false");
        }
        turbo = shared;
      }
    }
    return turbo.open == null ? null : turbo;
  }

  /** Forgets what {@link #shared()} decided, so that a test can have it decide again. */
  static synchronized void forget() {
    shared = null;
  }

  /**
   * Whether {@code -Dcoreviz.turbojpeg} (its value, null where it is not set) lets TurboJPEG
   * decode: {@code true} (the default) or {@code false}, in any case. Anything else fails, rather
   * than leave a typo to turn TurboJPEG off unseen.
   */
  static boolean enabled(String setting) {
    return setting == null || SETTING.reader().read(SETTING.name(), setting);
  }

  /** TurboJPEG's decompressor class {@code className}, loaded; without it, one that reads none. */
  static TurboJpeg load(String className) {
    Class<?> decompressor;
    try {
      decompressor = Class.forName(className, false, TurboJpeg.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return unavailable("TurboJPEG (" + className + ") is not on the classpath");
    }
    try {
      // Initialising the class loads its native library.
      MethodHandles.lookup().ensureInitialized(decompressor);
      TurboJpeg turbo = new TurboJpeg(decompressor);
      LOG.info("JPEGs are decoded by libjpeg-turbo (TurboJPEG's Java API)");
      return turbo;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      LOG.warn(
          "TurboJPEG ({}) is on the classpath but cannot be used ({}: {}), so JPEGs are decoded"
              + " by the JDK's slower decoder. It needs libjpeg-turbo's native library,"
              + " libturbojpeg.so (Debian and Ubuntu: libturbojpeg0-dev), in a standard library"
              + " folder or on java.library.path.",
          className,
          e.getClass().getSimpleName(),
          e.getMessage());
      return unavailable(e.toString());
    }
  }

  private static TurboJpeg unavailable(String why) {
    LOG.debug("JPEGs are decoded by the JDK: {}", why);
    return new TurboJpeg();
  }

  /** One that reads nothing. */
  private TurboJpeg() {
    open = width = height = colorspace = decompress = close = null;
  }

  /**
   * {@code bytes} decoded, into {@code canvas} where not null, at the step {@code jpegStep} gives
   * for the JPEG's width and height (1, 2, 4 or 8; any other is left to the JDK); null where the
   * bytes are not a JPEG this reads (see the class comment), for the JDK's decoder to read.
   */
  BufferedImage read(byte[] bytes, IntBinaryOperator jpegStep, RgbCanvas canvas) {
    if (open == null || !plainYcbcr(bytes)) {
      return null;
    }
    Object decompressor = null;
    try {
      decompressor = open.invoke(bytes);
      if ((int) colorspace.invoke(decompressor) != CS_YCBCR) {
        return null;
      }
      int w = (int) width.invoke(decompressor);
      int h = (int) height.invoke(decompressor);
      int step = jpegStep.applyAsInt(w, h);
      if (step != 1 && step != 2 && step != 4 && step != 8) {
        // Another step would have TurboJPEG pick another of its factors (3/8, …) and write only
        // part of the image.
        return null;
      }
      int outWidth = (w + step - 1) / step;
      int outHeight = (h + step - 1) / step;
      BufferedImage image =
          canvas == null ? ImageReads.rgb(outWidth, outHeight) : canvas.of(outWidth, outHeight);
      InterleavedPixels pixels = InterleavedPixels.of(image);
      if (pixels == null || pixels.red() != 0 || pixels.pixelStride() != 3) {
        return null;
      }
      // Scaled to the largest of its factors that fits: exactly 1/step, as ceil(w / step) is.
      decompress.invoke(
          decompressor,
          pixels.data(),
          0,
          0,
          outWidth,
          pixels.rowStride(),
          outHeight,
          PF_RGB,
          FLAG_STOPONWARNING);
      return image;
    } catch (Error e) {
      throw e;
    } catch (Throwable e) {
      // TJException (damaged or truncated data): the JDK reads it, or fails, as before.
      return null;
    } finally {
      if (decompressor != null) {
        try {
          close.invoke(decompressor);
        } catch (Throwable e) {
          LOG.debug("closing TurboJPEG's decompressor failed", e);
        }
      }
    }
  }

  /**
   * Whether {@code bytes} are a JPEG of three components that the JDK reads as YCbCr with no colour
   * conversion of its own: a JFIF file, or one with no Adobe segment and the usual component ids
   * (1, 2, 3), and no embedded ICC profile (which the JDK converts with and TurboJPEG would not).
   * Reads the segments before the frame header only.
   */
  static boolean plainYcbcr(byte[] bytes) {
    if (bytes.length < 4 || u8(bytes, 0) != 0xff || u8(bytes, 1) != 0xd8) {
      return false;
    }
    boolean jfif = false;
    boolean adobe = false;
    int at = 2;
    while (at + 4 <= bytes.length) {
      if (u8(bytes, at) != 0xff) {
        return false;
      }
      int marker = u8(bytes, at + 1);
      at += 2;
      while (marker == 0xff && at < bytes.length) {
        marker = u8(bytes, at++);
      }
      if (marker == 0x01 || marker >= 0xd0 && marker <= 0xd8) {
        continue; // a marker without a segment
      }
      if (marker == 0xd9 || marker == 0xda) {
        return false; // the image's end, or its data, before any frame header
      }
      if (at + 2 > bytes.length) {
        return false;
      }
      int end = at + (u8(bytes, at) << 8 | u8(bytes, at + 1));
      int body = at + 2;
      if (end < body || end > bytes.length) {
        return false;
      }
      if (marker == 0xe0 && startsWith(bytes, body, end, "JFIF\0")) {
        jfif = true;
      } else if (marker == 0xe2 && startsWith(bytes, body, end, "ICC_PROFILE\0")) {
        return false;
      } else if (marker == 0xee && startsWith(bytes, body, end, "Adobe")) {
        adobe = true;
      } else if (marker >= 0xc0
          && marker <= 0xcf
          && marker != 0xc4
          && marker != 0xc8
          && marker != 0xcc) {
        if (body + 15 > end || u8(bytes, body + 5) != 3) {
          return false;
        }
        boolean usualIds =
            u8(bytes, body + 6) == 1 && u8(bytes, body + 9) == 2 && u8(bytes, body + 12) == 3;
        return jfif || !adobe && usualIds;
      }
      at = end;
    }
    return false;
  }

  private static boolean startsWith(byte[] bytes, int at, int end, String text) {
    if (end - at < text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (u8(bytes, at + i) != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static int u8(byte[] bytes, int at) {
    return bytes[at] & 0xff;
  }
}
