package io.coreviz.spark;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.RecordedRequest;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The local CoreViz server of a test class: started before its first test, closed after its last;
 * before each test its request log is cleared and its faults removed.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final LocalServer server =
 *     LocalServer.of(() -> CoreVizEmulator.builder().collection(COLLECTION).credential(KEY));
 * }</pre>
 */
public final class LocalServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  private final Supplier<CoreVizEmulator.Builder> builder;
  private CoreVizEmulator server;

  private LocalServer(Supplier<CoreVizEmulator.Builder> builder) {
    this.builder = builder;
  }

  /** A server built by {@code builder} (called when the class starts, after its static fields). */
  public static LocalServer of(Supplier<CoreVizEmulator.Builder> builder) {
    return new LocalServer(builder);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = builder.get().start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server.clearRequests();
    server.faults(FaultInjector.NONE);
  }

  /** The running server. */
  public CoreVizEmulator get() {
    if (server == null) {
      throw new IllegalStateException("the local server runs only while its test class does");
    }
    return server;
  }

  public String baseUrl() {
    return get().baseUrl();
  }

  public List<RecordedRequest> mediaRequests() {
    return get().mediaRequests();
  }

  public List<RecordedRequest> requests() {
    return get().requests();
  }

  public void clearRequests() {
    get().clearRequests();
  }

  public void faults(FaultInjector faults) {
    get().faults(faults);
  }
}
