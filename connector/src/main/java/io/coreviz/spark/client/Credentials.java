package io.coreviz.spark.client;

import java.io.Serializable;
import java.util.Objects;
import okhttp3.Request;

/**
 * An API key ({@code x-api-key}) or a Bearer token. Its {@code toString} never shows the secret,
 * and {@link #redact} removes it from any text that is about to become a message.
 */
public final class Credentials implements Serializable {

  private static final long serialVersionUID = 1L;

  private final boolean bearer;
  private final String secret;

  private Credentials(boolean bearer, String secret) {
    this.bearer = bearer;
    this.secret = Objects.requireNonNull(secret);
  }

  public static Credentials apiKey(String key) {
    return new Credentials(false, key);
  }

  public static Credentials bearerToken(String token) {
    return new Credentials(true, token);
  }

  /** Adds the secret to {@code request} (only for requests to the CoreViz endpoint). */
  public void authorize(Request.Builder request) {
    if (bearer) {
      request.header("Authorization", "Bearer " + secret);
    } else {
      request.header("x-api-key", secret);
    }
  }

  /** {@code text} with every occurrence of the secret replaced by {@code ***}. */
  public String redact(String text) {
    return text == null || secret.isEmpty() ? text : text.replace(secret, "***");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Credentials that && bearer == that.bearer && secret.equals(that.secret);
  }

  @Override
  public int hashCode() {
    return Objects.hash(bearer, secret);
  }

  @Override
  public String toString() {
    return bearer ? "Credentials[Bearer ***]" : "Credentials[x-api-key ***]";
  }
}
