package io.coreviz.emulator.model;

import java.util.Map;

/**
 * An object detected in a frame.
 *
 * @param id object id (32 hex characters)
 * @param type {@code object}, {@code face} or {@code shoeprint}
 * @param label detector label, e.g. {@code shoe}
 * @param blobKey key of the crop image, or {@code null} when the API sends {@code ""}
 * @param clusterId the cluster this object belongs to (internal; filtered on by {@code clusterId})
 * @param embeddings unit vectors per similarity model ({@code objects}, {@code faces}, {@code
 *     shoeprints}); internal, used by {@code similarToObjectId}
 */
public record DetectedObject(
    String id,
    String type,
    String label,
    String blobKey,
    String clusterId,
    Map<String, float[]> embeddings) {

  public DetectedObject {
    embeddings = Map.copyOf(embeddings);
  }
}
