package io.coreviz.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line configures what it documents: readings of the API page and network faults. */
class MainTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(CoreVizEmulator server, String query) throws Exception {
    String id = server.collectionIds().get(0);
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create(server.baseUrl() + "/api/dataset/" + id + "/media?" + query))
            .header("x-api-key", "any")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anOverstatedTotalAndCutBodiesAreWhatTheFlagsSay() throws Exception {
    try (CoreVizEmulator server =
        Main.start(
            new String[] {
              "--port", "0", "--items", "40", "--overstated-total", "7", "--cut-bodies", "1"
            })) {
      assertThat(server.semantics().totalExcess()).isEqualTo(7);
      assertThatThrownBy(() -> get(server, "recursive=true&limit=5"))
          .isInstanceOf(java.io.IOException.class);
      assertThat(server.mediaRequests())
          .extracting(RecordedRequest::status)
          .containsExactly(RecordedRequest.CUT);
    }
  }

  @Test
  void aRestartEveryNthRequestTakesTheServerDown() throws Exception {
    try (CoreVizEmulator server =
        Main.start(new String[] {"--port", "0", "--items", "20", "--restart-every", "2:200"})) {
      assertThat(get(server, "limit=1").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> get(server, "limit=1")).isInstanceOf(java.io.IOException.class);

      assertThat(server.mediaRequests())
          .extracting(RecordedRequest::status)
          .isEqualTo(List.of(200, RecordedRequest.RESTARTED));
    }
  }

  @Test
  void latencyDelaysEveryMediaAnswer() throws Exception {
    try (CoreVizEmulator server =
        Main.start(new String[] {"--port", "0", "--items", "20", "--latency", "300"})) {
      long start = System.nanoTime();
      assertThat(get(server, "limit=1").statusCode()).isEqualTo(200);
      assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(300_000_000L);
    }
  }

  @Test
  void badValuesAreRefusedWithTheFlagsName() {
    assertThatThrownBy(() -> Main.start(new String[] {"--port", "0", "--cut-bodies", "2"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> Main.start(new String[] {"--port", "0", "--stall-bodies", "0.5"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--stall-bodies takes two values");
    assertThat(Main.start(new String[] {"--help"})).isNull();
  }
}
