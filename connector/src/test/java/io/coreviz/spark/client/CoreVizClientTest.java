package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.AuthenticationException;
import io.coreviz.spark.errors.AuthorizationException;
import io.coreviz.spark.errors.BadRequestException;
import io.coreviz.spark.errors.ConnectionException;
import io.coreviz.spark.errors.DataException;
import io.coreviz.spark.errors.NotFoundException;
import io.coreviz.spark.errors.ServerException;
import io.coreviz.spark.errors.ServiceException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The client against a real HTTP server: every failure is one clear exception, never the key. */
class CoreVizClientTest {

  private static final String KEY = "sk-client-test-51a7e2";
  private static final String OTHER_KEY = "sk-other-workspace-90b1";

  private static final MediaCollection collection = SyntheticCollection.generate(1, 120);
  private static final MediaCollection secret = SyntheticCollection.generate(2, 5);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(
          () ->
              CoreVizEmulator.builder()
                  .collection(collection)
                  .collection(secret)
                  .credential(KEY)
                  .credential(OTHER_KEY, secret.id()));

  /** Without retries: these tests are about what one answer becomes (RetryTest covers retries). */
  private static CoreVizClient client(Credentials credentials) {
    return new CoreVizClient(
        server.baseUrl(),
        credentials,
        HttpClients.shared(),
        CallPolicy.DEFAULT.withoutRetries(),
        new RequestStats());
  }

  private static MediaRequest browse(String collectionId) {
    return MediaRequest.of(collectionId).with("recursive", true).page(0, 10);
  }

  @Test
  void pagesStreamIntoRowsWithPagination() {
    MediaPage<InternalRow> page =
        client(Credentials.apiKey(KEY))
            .fetch(browse(collection.id()).with("type", "image"), new MediaRowReader());

    long images = collection.items().stream().filter(i -> i.type().equals("image")).count();
    assertThat(page.items()).hasSize(10);
    assertThat(page.pagination()).isEqualTo(new Pagination(images, 10, 0, true));
  }

  @Test
  void bearerTokensAuthenticateToo() {
    MediaPage<Void> page =
        client(Credentials.bearerToken(KEY)).fetch(browse(collection.id()), ItemReader.SKIP);

    assertThat(page.pagination().total()).isEqualTo(collection.items().size());
    assertThat(server.requests().get(server.requests().size() - 1).authScheme())
        .isEqualTo("bearer");
  }

  @Test
  void unknownKeyIs401AndSaysWhereToSetCredentials() {
    String wrong = "sk-wrong-3c9d";
    assertThatThrownBy(
            () -> client(Credentials.apiKey(wrong)).fetch(browse(collection.id()), ItemReader.SKIP))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining(
            "GET /api/dataset/" + collection.id() + "/media?recursive=true&limit=10&offset=0")
        .hasMessageContaining("invalid API key")
        .hasMessageContaining("COREVIZ_API_KEY")
        .message()
        .doesNotContain(wrong);
  }

  @Test
  void keyWithoutAccessIs403() {
    assertThatThrownBy(
            () ->
                client(Credentials.apiKey(OTHER_KEY))
                    .fetch(browse(collection.id()), ItemReader.SKIP))
        .isInstanceOf(AuthorizationException.class)
        .hasMessageContaining("HTTP 403")
        .hasMessageContaining("no access")
        .message()
        .doesNotContain(OTHER_KEY);
  }

  @Test
  void unknownCollectionIs404() {
    String missing = "00000000000000000000000000000000";
    assertThatThrownBy(
            () -> client(Credentials.apiKey(KEY)).fetch(browse(missing), ItemReader.SKIP))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining("Collection not found")
        .hasMessageContaining("collectionId");
  }

  @Test
  void invalidParameterIs400WithTheServersReason() {
    assertThatThrownBy(
            () ->
                client(Credentials.apiKey(KEY))
                    .fetch(browse(collection.id()).with("dateFrom", "2026-02-30"), ItemReader.SKIP))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("Invalid dateFrom '2026-02-30'");
  }

  @Test
  void serverErrorsKeepStatusAndMessage() {
    server.faults(request -> FaultInjector.Reply.json(503, "{\"message\":\"maintenance\"}"));

    assertThatThrownBy(
            () -> client(Credentials.apiKey(KEY)).fetch(browse(collection.id()), ItemReader.SKIP))
        .isInstanceOf(ServerException.class)
        .hasMessageContaining("HTTP 503")
        .hasMessageContaining("maintenance")
        .satisfies(e -> assertThat(((ServiceException) e).status()).isEqualTo(503));
  }

  @Test
  void serverEchoingTheKeyIsRedacted() {
    server.faults(request -> FaultInjector.Reply.json(400, "{\"error\":\"bad key " + KEY + "\"}"));

    assertThatThrownBy(
            () -> client(Credentials.apiKey(KEY)).fetch(browse(collection.id()), ItemReader.SKIP))
        .hasMessageContaining("bad key ***")
        .message()
        .doesNotContain(KEY);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "html page|text/html|<!DOCTYPE html><html>Login</html>|HTML page",
        "not json|application/json|Service Unavailable|malformed or truncated JSON",
        "truncated|application/json|{\"media\":[{\"id\":\"a\"|malformed or truncated JSON",
        "array root|application/json|[]|not a JSON object",
        "no pagination|application/json|{\"media\":[]}|no 'pagination' object",
        "no media|application/json|{\"pagination\":{\"total\":0}}|no 'media' array",
        "media not array|application/json|{\"media\":{},\"pagination\":{\"total\":0}}|'media' is START_OBJECT, expected an array",
        "negative total|application/json|{\"media\":[],\"pagination\":{\"total\":-1}}|pagination.total is '-1'",
        "total as words|application/json|{\"media\":[],\"pagination\":{\"total\":\"five\"}}|pagination.total is 'five'",
        "total as a fraction|application/json|{\"media\":[],\"pagination\":{\"total\":\"5.5\"}}|pagination.total is '5.5'",
        "hasMore as a number|application/json|{\"media\":[],\"pagination\":{\"total\":0,\"hasMore\":1}}|pagination.hasMore is '1'",
        "item not object|application/json|{\"media\":[1],\"pagination\":{\"total\":1}}|media[0] is VALUE_NUMBER_INT",
        "wrong field type|application/json|{\"media\":[{\"width\":\"wide\"}],\"pagination\":{\"total\":1}}|media[0]: field 'width' is the string 'wide'",
        "trailing garbage|application/json|{\"media\":[],\"pagination\":{\"total\":0}} {}|trailing content",
      })
  void hostileResponsesAreClearErrorsNamingTheRequest(
      String name, String contentType, String body, String message) {
    server.faults(
        request ->
            new FaultInjector.Reply(
                200, Map.of("Content-Type", contentType), body.getBytes(StandardCharsets.UTF_8)));

    assertThatThrownBy(
            () ->
                client(Credentials.apiKey(KEY))
                    .fetch(browse(collection.id()), new MediaRowReader()))
        .isInstanceOf(DataException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("/api/dataset/" + collection.id() + "/media");
  }

  @Test
  void unreachableServerIsAConnectionError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    CoreVizClient client =
        new CoreVizClient(
            "http://127.0.0.1:" + port, Credentials.apiKey(KEY), HttpClients.shared());

    assertThatThrownBy(() -> client.fetch(browse(collection.id()), ItemReader.SKIP))
        .isInstanceOf(ConnectionException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .message()
        .doesNotContain(KEY);
  }

  @Test
  void asyncFetchReportsTheSameErrors() {
    assertThat(
            client(Credentials.apiKey("nope")).fetchAsync(browse(collection.id()), ItemReader.SKIP))
        .failsWithin(java.time.Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(AuthenticationException.class);
  }
}
