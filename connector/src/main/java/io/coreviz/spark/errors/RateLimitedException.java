package io.coreviz.spark.errors;

/** HTTP 429: the service is rate limiting this client. */
public final class RateLimitedException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public RateLimitedException(String serverMessage, String request, int attempts) {
    super(
        429,
        serverMessage,
        request,
        attempts,
        "Lower maxRequestsPerSecond, or raise maxRetries or maxRetryTimeMs");
  }
}
