package io.coreviz.examples;

import io.coreviz.emulator.model.MediaCollection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Ground truth about a generated collection's blobs, from the generator's own bytes. */
final class GeneratedBlobs {

  private GeneratedBlobs() {}

  /**
   * Sets of images and videos whose blobs are the same bytes: the planted copies, and any pictures
   * the generator happened to render twice.
   */
  static Set<Set<String>> sameBytes(MediaCollection collection) {
    Map<String, Set<String>> byDigest = new HashMap<>();
    for (var item : collection.media()) {
      collection
          .blob(item.blobKey())
          .ifPresent(
              blob ->
                  byDigest
                      .computeIfAbsent(
                          HexFormat.of().formatHex(sha256(blob.bytes().get())),
                          d -> new TreeSet<>())
                      .add(item.id()));
    }
    Set<Set<String>> sets = new HashSet<>();
    byDigest.values().stream().filter(set -> set.size() > 1).forEach(sets::add);
    return sets;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
