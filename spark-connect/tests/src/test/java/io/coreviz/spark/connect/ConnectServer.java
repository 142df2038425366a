package io.coreviz.spark.connect;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Spark Connect server in a JVM of its own, as a cluster runs it: Spark, its Connect server, the
 * connector's {@code -all} jar and ONNX Runtime on its classpath (written by the {@code
 * coreviz-spark-connect-server} module), settings as {@code -Dspark.*} properties, as {@code
 * spark-submit --conf} gives them. Its output goes to a log file the tests can search.
 */
final class ConnectServer implements AutoCloseable {

  private static final Pattern STARTED =
      Pattern.compile("Spark Connect server started at: .*?:(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

  private final Process process;
  private final Path log;
  private final int port;

  private ConnectServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts a server with {@code settings} and waits until it listens. */
  static ConnectServer start(Map<String, String> settings, Path log) throws Exception {
    String classpath =
        Files.readString(Path.of(System.getProperty("connect.server.classpath"))).trim();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    for (String arg : System.getProperty("connect.server.jvmArgs", "").split("\\s+")) {
      if (!arg.isBlank()) {
        command.add(arg);
      }
    }
    int port = freePort();
    command.add("-Dspark.connect.grpc.binding.address=127.0.0.1");
    command.add("-Dspark.connect.grpc.binding.port=" + port);
    settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(classpath);
    command.add("org.apache.spark.sql.connect.service.SparkConnectServer");
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ConnectServer server = new ConnectServer(process, log, port);
    server.awaitStarted();
    return server;
  }

  /** {@code sc://} address a client connects to. */
  String remote() {
    return "sc://127.0.0.1:" + port;
  }

  /** Everything the server has logged so far. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitStarted() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher started = STARTED.matcher(log());
      if (started.find()) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The Spark Connect server exited with " + process.exitValue() + ":\n" + tail());
      }
      Thread.sleep(200);
    }
    close();
    throw new IllegalStateException(
        "The Spark Connect server did not start in " + START_TIMEOUT + ":\n" + tail());
  }

  private String tail() {
    String all = log();
    return all.substring(Math.max(0, all.length() - 4000));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
