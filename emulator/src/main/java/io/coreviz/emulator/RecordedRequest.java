package io.coreviz.emulator;

import java.util.Map;

/**
 * One request the emulator received, for tests to assert on. Credentials are never recorded: only
 * which scheme was used.
 *
 * @param path the decoded request path, e.g. {@code /api/dataset/<id>/media}
 * @param query decoded query parameters (the last value wins for repeated names)
 * @param authScheme {@code x-api-key}, {@code bearer}, or {@code null} when none was sent
 * @param userAgent the {@code User-Agent} header, or {@code null}
 * @param status the status the emulator answered (0 while the request is being handled), or one of
 *     the faults it injected: {@link #DISCONNECTED}, {@link #CUT}, {@link #STALLED}, {@link
 *     #RESTARTED}
 */
public record RecordedRequest(
    String method,
    String path,
    Map<String, String> query,
    String authScheme,
    String userAgent,
    int status) {

  /** Dropped without an answer. */
  public static final int DISCONNECTED = -1;

  /** Its body was cut: headers and part of the body sent, then the connection dropped. */
  public static final int CUT = -2;

  /** Its body stalled halfway for longer than the client waits. */
  public static final int STALLED = -3;

  /** Dropped, and the server restarted. */
  public static final int RESTARTED = -4;

  public RecordedRequest {
    query = Map.copyOf(query);
  }

  /** True where the emulator injected a network fault into the answer. */
  public boolean faulted() {
    return status < 0;
  }

  public boolean isMediaRequest() {
    return path.startsWith("/api/dataset/") && path.endsWith("/media");
  }

  public boolean isBlobRequest() {
    return path.startsWith("/blobs/");
  }

  RecordedRequest withStatus(int answered) {
    return new RecordedRequest(method, path, query, authScheme, userAgent, answered);
  }
}
