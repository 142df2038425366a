package io.coreviz.spark.errors;

/**
 * The service answered with an error status. Carries the status, the server's own message and the
 * request path (without credentials).
 */
public class ServiceException extends CoreVizException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String serverMessage;
  private final String request;

  public ServiceException(
      int status, String serverMessage, String request, int attempts, String advice) {
    super(
        "CoreViz answered HTTP "
            + status
            + " to GET "
            + request
            + (attempts > 1 ? " (after " + attempts + " attempts)" : "")
            + (serverMessage.isEmpty() ? "" : ": " + serverMessage)
            + (advice.isEmpty() ? "" : ". " + advice));
    this.status = status;
    this.serverMessage = serverMessage;
    this.request = request;
  }

  /**
   * The exception for a status: {@link AuthenticationException} (401), {@link
   * AuthorizationException} (403), {@link NotFoundException} (404), {@link RateLimitedException}
   * (429), {@link ServerException} (5xx), {@link BadRequestException} (other 4xx) or this class.
   */
  public static ServiceException of(
      int status, String serverMessage, String request, int attempts) {
    return switch (status) {
      case 401 -> new AuthenticationException(serverMessage, request);
      case 403 -> new AuthorizationException(serverMessage, request);
      case 404 -> new NotFoundException(serverMessage, request);
      case 429 -> new RateLimitedException(serverMessage, request, attempts);
      default -> {
        if (status >= 500) {
          yield new ServerException(status, serverMessage, request, attempts);
        }
        if (status >= 400) {
          yield new BadRequestException(status, serverMessage, request);
        }
        yield new ServiceException(status, serverMessage, request, attempts, "");
      }
    };
  }

  public int status() {
    return status;
  }

  /** The server's error text, e.g. the {@code error} field of its JSON body. */
  public String serverMessage() {
    return serverMessage;
  }

  /** The request path and query, e.g. {@code /api/dataset/<id>/media?limit=1}. */
  public String request() {
    return request;
  }
}
