package io.coreviz.emulator.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** CoreViz-style ids: 32 lowercase hex digits (a UUID without hyphens). */
final class Ids {

  private Ids() {}

  static String random(Random random) {
    return String.format("%016x%016x", random.nextLong(), random.nextLong());
  }

  /** A stable id derived from a name, for collections loaded from disk. */
  static String of(String name) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A 64-bit seed derived from an id, so rendered blobs depend on nothing else. */
  static long seed(String id) {
    return Long.parseUnsignedLong(id.substring(0, 15), 16);
  }
}
