package io.coreviz.emulator.model;

import java.util.List;

/**
 * A processed frame of an image (one, timestamp {@code "0"}) or a video (one per sampled moment).
 *
 * @param blobKey key of the processed frame image
 */
public record Frame(
    String id,
    String timestamp,
    String blobKey,
    Integer width,
    Integer height,
    List<DetectedObject> objects) {

  public Frame {
    objects = List.copyOf(objects);
  }
}
