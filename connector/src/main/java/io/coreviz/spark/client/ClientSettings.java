package io.coreviz.spark.client;

import java.io.Serializable;

/**
 * What an executor needs to call the service: where, as whom, and how calls behave. {@link
 * #toString} never shows the credentials.
 */
public record ClientSettings(String endpoint, Credentials credentials, CallPolicy callPolicy)
    implements Serializable {

  /** A client on this JVM's shared HTTP client, counting into {@code stats}. */
  public CoreVizClient client(RequestStats stats) {
    return new CoreVizClient(endpoint, credentials, HttpClients.shared(), callPolicy, stats);
  }

  @Override
  public String toString() {
    return "ClientSettings[endpoint=" + endpoint + ", credentials=" + credentials + "]";
  }
}
