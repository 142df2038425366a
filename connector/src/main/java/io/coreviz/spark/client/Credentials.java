package io.coreviz.spark.client;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import okhttp3.Request;

/**
 * An API key ({@code x-api-key}) or a Bearer token, given as such or as a file that holds the key
 * (a mounted secret). Its {@code toString} never shows the secret, and {@link #redact} removes it
 * from any text that is about to become a message. A key file travels as its path only: each JVM
 * that sends a request reads the file itself, so the key is not in the tasks Spark serializes.
 */
public final class Credentials implements Serializable {

  private static final long serialVersionUID = 2L;

  private final boolean bearer;
  private final String given;
  private final String file; // a path (Path is not serializable)
  private transient volatile String read;

  private Credentials(boolean bearer, String given, String file) {
    this.bearer = bearer;
    this.given = given;
    this.file = file;
  }

  public static Credentials apiKey(String key) {
    return new Credentials(false, Objects.requireNonNull(key), null);
  }

  public static Credentials bearerToken(String token) {
    return new Credentials(true, Objects.requireNonNull(token), null);
  }

  /**
   * The API key in {@code file} (surrounding whitespace ignored), read now to check it, and again
   * by every other JVM that uses these credentials.
   *
   * @throws IllegalArgumentException where the file cannot be read or is empty (the message names
   *     the path, never the content)
   */
  public static Credentials apiKeyFile(Path file) {
    Credentials credentials = new Credentials(false, null, file.toAbsolutePath().toString());
    credentials.secret();
    return credentials;
  }

  private String secret() {
    if (given != null) {
      return given;
    }
    String known = read;
    if (known == null) {
      try {
        known = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      } catch (IOException | SecurityException e) {
        throw new IllegalArgumentException(
            "cannot read the CoreViz API key file " + file + ": " + e.getClass().getSimpleName(),
            null);
      }
      if (known.isEmpty()) {
        throw new IllegalArgumentException("the CoreViz API key file " + file + " is empty");
      }
      read = known;
    }
    return known;
  }

  /** Adds the secret to {@code request} (only for requests to the CoreViz endpoint). */
  public void authorize(Request.Builder request) {
    if (bearer) {
      request.header("Authorization", "Bearer " + secret());
    } else {
      request.header("x-api-key", secret());
    }
  }

  /** {@code text} with every occurrence of the secret replaced by {@code ***}. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String known = secretOrNull();
    return known == null || known.isEmpty() ? text : text.replace(known, "***");
  }

  private String secretOrNull() {
    try {
      return secret();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that
        && bearer == that.bearer
        && Objects.equals(file, that.file)
        && Objects.equals(given, that.given);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bearer, given, file);
  }

  @Override
  public String toString() {
    if (file != null) {
      return "Credentials[x-api-key from " + file + "]";
    }
    return bearer ? "Credentials[Bearer ***]" : "Credentials[x-api-key ***]";
  }
}
