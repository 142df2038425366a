package io.coreviz.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network's faults the emulator injects into its own answers: a body cut halfway, a body that
 * stalls halfway, a restart. Checked with the JDK's own HTTP client and sockets.
 */
class NetworkFaultsTest {

  private static final String KEY = "faults-key";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaCollection COLLECTION = SyntheticCollection.generate(8, 200);
  private static CoreVizEmulator server;

  @BeforeAll
  static void start() {
    server = CoreVizEmulator.builder().collection(COLLECTION).credential(KEY).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void reset() {
    server.faults(FaultInjector.NONE);
    server.clearRequests();
  }

  private static HttpURLConnection open(int readTimeoutMs) throws IOException {
    URI uri =
        URI.create(
            server.baseUrl()
                + "/api/dataset/"
                + COLLECTION.id()
                + "/media?recursive=true&limit=100");
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    connection.setRequestProperty("x-api-key", KEY);
    connection.setReadTimeout(readTimeoutMs);
    return connection;
  }

  /** Reads the body to its end, or until the connection fails; returns the bytes read. */
  private static int readAll(InputStream in, byte[] into) throws IOException {
    int read = 0;
    for (int n; (n = in.read(into, read, into.length - read)) > 0; ) {
      read += n;
    }
    return read;
  }

  @Test
  void aCutAnswerSendsItsStatusLengthAndHalfItsBody() throws Exception {
    server.faults(
        FaultInjector.first(1, RecordedRequest::isMediaRequest, FaultInjector.Reply.cutHalfway()));
    HttpURLConnection connection = open(5_000);

    assertThat(connection.getResponseCode()).isEqualTo(200);
    int length = connection.getContentLength();
    byte[] body = new byte[length];
    int[] read = new int[1];
    assertThatThrownBy(
            () -> {
              try (InputStream in = connection.getInputStream()) {
                read[0] = readAll(in, body);
                if (read[0] < length) {
                  throw new IOException("body ended at " + read[0] + " of " + length);
                }
              }
            })
        .isInstanceOf(IOException.class);
    assertThat(length).isGreaterThan(1_000);
    assertThat(server.mediaRequests())
        .extracting(RecordedRequest::status)
        .containsExactly(RecordedRequest.CUT);

    HttpURLConnection next = open(5_000);
    assertThat(JSON.readTree(next.getInputStream()).get("media")).hasSize(100);
  }

  @Test
  void aStalledAnswerWaitsHalfwayLongerThanAReadTimeoutThenSendsTheRest() throws Exception {
    // The same answer unfaulted first: the stalled ones then come at once, up to their stall.
    assertThat(JSON.readTree(open(10_000).getInputStream()).get("media")).hasSize(100);
    server.clearRequests();
    server.faults(
        FaultInjector.first(
            2,
            RecordedRequest::isMediaRequest,
            FaultInjector.Reply.stallHalfway(Duration.ofMillis(2_000))));

    HttpURLConnection impatient = open(1_000);
    assertThat(impatient.getResponseCode()).isEqualTo(200);
    assertThatThrownBy(() -> readAll(impatient.getInputStream(), new byte[1 << 20]))
        .isInstanceOf(SocketTimeoutException.class);

    HttpURLConnection patient = open(10_000);
    JsonNode page = JSON.readTree(patient.getInputStream());
    assertThat(page.get("media")).hasSize(100);
    assertThat(server.mediaRequests())
        .extracting(RecordedRequest::status)
        .containsExactly(RecordedRequest.STALLED, RecordedRequest.STALLED);
  }

  @Test
  void aRestartRefusesConnectionsWhileDownThenServesOnTheSamePort() throws Exception {
    int port = server.port();
    server.faults(
        FaultInjector.first(
            1,
            RecordedRequest::isMediaRequest,
            FaultInjector.Reply.restart(Duration.ofMillis(1_500))));

    assertThatThrownBy(() -> open(5_000).getResponseCode()).isInstanceOf(IOException.class);
    assertThat(server.listening()).isFalse();
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .isInstanceOf(ConnectException.class);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!server.listening() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000);
    }
    assertThat(server.port()).isEqualTo(port);
    assertThat(JSON.readTree(open(5_000).getInputStream()).get("media")).hasSize(100);
    assertThat(server.mediaRequests())
        .extracting(RecordedRequest::status)
        .containsExactly(RecordedRequest.RESTARTED, 200);
  }
}
