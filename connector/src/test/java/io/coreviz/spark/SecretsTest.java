package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.FaultInjector;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.catalog.CoreVizCatalog;
import io.coreviz.spark.catalog.CoreVizExtensions;
import io.coreviz.spark.options.ReadOptions;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.execution.ExplainMode;
import org.apache.spark.sql.execution.ui.SQLExecutionUIData;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API key and the bearer token appear on no surface: explain() in every mode, the table's name,
 * the scan's description, partitions, Spark UI plan strings, the event log, log output at DEBUG and
 * exception messages. Each run reads with the key, lets a request fail with a 503 and a 401, and
 * then searches every surface for the secrets.
 */
class SecretsTest {

  private static final String KEY = "sk-live-SECRET-7f3a9c";
  private static final String TOKEN = "bearer-SECRET-e41d07";

  /**
   * A key no redaction pattern of Spark's matches by its value (Spark redacts a setting whose value
   * matches too, and the other two say SECRET).
   */
  private static final String PLAIN_KEY = "sk-live-9c41d2e07b";

  @TempDir static Path eventLogs;
  @TempDir static Path secrets; // JUnit deletes it, key file and all, after the class
  private static Path keyFile;
  private static SparkSession spark;
  private static final MediaCollection collection = SyntheticCollection.generate(17, 300);

  @RegisterExtension
  static final LocalServer server =
      LocalServer.of(
          () ->
              CoreVizEmulator.builder()
                  .collection(collection)
                  .credential(KEY)
                  .credential(TOKEN)
                  .credential(PLAIN_KEY));

  private static final StringWriter logs = new StringWriter();
  private static WriterAppender appender;

  @BeforeAll
  static void start() {
    // Its own session, not @SharedSpark: the event log goes to this class's temporary directory.
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("SecretsTest")
            .config("spark.ui.enabled", "false")
            .config("spark.eventLog.enabled", "true")
            .config("spark.eventLog.dir", eventLogs.toUri().toString())
            .config("spark.eventLog.compress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            // Spark's default spark.redaction.regex, which misses apiKey: the extension must cover
            // it. The catalog's token as Databricks users set it: in the cluster's Spark config
            // (the default regex matches "token").
            .config("spark.sql.catalog.secretcat.bearerToken", TOKEN)
            .config("spark.sql.extensions", CoreVizExtensions.class.getName())
            .getOrCreate();
    keyFile = secrets.resolve("api-key");
    try {
      Files.writeString(keyFile, KEY + "\n"); // as secret mounts write it, newline and all
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    appender =
        WriterAppender.newBuilder()
            .setName("secrets")
            .setTarget(logs)
            .setLayout(PatternLayout.newBuilder().withPattern("%p %c: %m%n%throwable").build())
            .build();
    appender.start();
    context.getConfiguration().addAppender(appender);
    context.getRootLogger().addAppender(appender);
    consoleOnly(Level.WARN); // DEBUG goes to the search, not to the build's output
    Configurator.setRootLevel(Level.DEBUG);
    // The test configuration quiets Spark's own loggers; here they must speak too.
    Configurator.setLevel("org.apache.spark", Level.DEBUG);
  }

  /** Lets the console appender print only {@code level} and above (null: everything). */
  private static void consoleOnly(Level level) {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    org.apache.logging.log4j.core.config.LoggerConfig root =
        context.getConfiguration().getRootLogger();
    org.apache.logging.log4j.core.Appender console = root.getAppenders().get("console");
    if (console != null) {
      root.removeAppender("console");
      root.addAppender(console, level, null);
      context.updateLoggers();
    }
  }

  @AfterAll
  static void stop() {
    Configurator.setRootLevel(Level.WARN);
    Configurator.setLevel("org.apache.spark", Level.WARN);
    consoleOnly(null);
    ((LoggerContext) LogManager.getContext(false)).getRootLogger().removeAppender(appender);
    SparkTestSession.stop(spark);
  }

  private static Dataset<Row> read(String option, String secret) {
    return spark
        .read()
        .format("coreviz")
        .option("endpoint", server.baseUrl())
        .option(option, secret)
        .option("collectionId", collection.id())
        .option("pageSize", "50")
        .option("retryBackoffMs", "1")
        .load();
  }

  @Test
  void noSurfaceShowsTheKeyOrTheToken() throws Exception {
    // Only this test's logs: Spark's SQL parser logs statement text at DEBUG, so a key typed into
    // SQL OPTIONS (the other test) reaches DEBUG logs whatever the connector does; README says so.
    logs.getBuffer().setLength(0);
    List<String> surfaces = new ArrayList<>();
    for (String[] credential :
        new String[][] {
          {"apiKey", KEY}, {"bearerToken", TOKEN}, {"apiKeyFile", keyFile.toString()}
        }) {
      Dataset<Row> query =
          read(credential[0], credential[1]).filter("type = 'image' AND width > 100");
      for (String mode : new String[] {"simple", "extended", "codegen", "cost", "formatted"}) {
        surfaces.add(query.queryExecution().explainString(ExplainMode.fromString(mode)));
      }
      server.faults(
          FaultInjector.everyNth(3, FaultInjector.Reply.json(503, "{\"error\":\"busy\"}")));
      surfaces.add(String.valueOf(query.collectAsList().size()));
      surfaces.add(String.valueOf(query.count()));
      server.faults(FaultInjector.NONE);

      Table table =
          new CoreVizDataSource()
              .getTable(
                  null,
                  null,
                  Map.of(
                      "endpoint",
                      server.baseUrl(),
                      credential[0],
                      credential[1],
                      "collectionId",
                      collection.id()));
      Scan scan =
          ((org.apache.spark.sql.connector.catalog.SupportsRead) table)
              .newScanBuilder(CaseInsensitiveStringMap.empty())
              .build();
      Batch batch = scan.toBatch();
      surfaces.add(table.name());
      surfaces.add(table.toString());
      surfaces.add(scan.description());
      surfaces.add(scan.toString());
      for (InputPartition partition : batch.planInputPartitions()) {
        surfaces.add(partition.toString());
      }
      surfaces.add(batch.createReaderFactory().toString());
      if (credential[0].equals("apiKeyFile")) {
        // Only the path travels with the tasks: no serialized piece of the read holds the key.
        List<Object> shipped = new ArrayList<>(List.of(batch.createReaderFactory()));
        shipped.addAll(List.of(batch.planInputPartitions()));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
          out.writeObject(shipped);
        }
        String serialized = bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(serialized).as("the serialized read").contains("api-key");
        surfaces.add(serialized);
      }
      surfaces.add(
          ReadOptions.parse(
                  Map.of(credential[0], credential[1], "collectionId", collection.id()),
                  key -> null,
                  key -> null)
              .toString());

      Throwable failure =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> read(credential[0], credential[1] + "-revoked").collectAsList());
      assertThat(failure).isNotNull();
      StringWriter trace = new StringWriter();
      failure.printStackTrace(new java.io.PrintWriter(trace));
      surfaces.add(trace.toString());
    }
    spark.conf().set("spark.sql.catalog.secretcat", CoreVizCatalog.class.getName());
    spark.conf().set("spark.sql.catalog.secretcat.endpoint", server.baseUrl());
    {
      Dataset<Row> viaCatalog =
          spark.sql("SELECT id FROM secretcat.`" + collection.id() + "` WHERE type = 'video'");
      for (String mode : new String[] {"simple", "extended", "formatted"}) {
        surfaces.add(viaCatalog.queryExecution().explainString(ExplainMode.fromString(mode)));
      }
      assertThat(viaCatalog.collectAsList())
          .hasSize((int) collection.media().stream().filter(m -> m.type().equals("video")).count());
    }
    surfaces.addAll(uiPlansAndEventLog());
    surfaces.add(logs.toString());

    String everything = String.join("\n", surfaces);
    assertThat(everything)
        .contains("coreviz")
        .contains("/api/dataset/" + collection.id())
        .as("the event log was read")
        .contains("SparkListenerSQLExecutionStart");
    assertThat(logs.toString())
        .as("DEBUG logs were captured, Spark's own included")
        .contains("DEBUG io.coreviz.spark.http")
        .contains("DEBUG org.apache.spark.");
    for (String secret : new String[] {KEY, TOKEN, "SECRET"}) {
      assertThat(whereShown(surfaces, secret)).as("surfaces showing a credential").isEmpty();
    }
  }

  /** The SQL UI's plan strings and the event log's text, as far as written. */
  private static List<String> uiPlansAndEventLog() throws Exception {
    List<String> surfaces = new ArrayList<>();
    for (SQLExecutionUIData execution :
        scala.collection.JavaConverters.seqAsJavaList(
            spark.sharedState().statusStore().executionsList())) {
      surfaces.add(execution.physicalPlanDescription());
      surfaces.add(execution.description());
      surfaces.add(execution.details());
    }
    spark.sparkContext().listenerBus().waitUntilEmpty();
    try (Stream<Path> files = Files.walk(eventLogs)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        surfaces.add(
            new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
      }
    }
    return surfaces;
  }

  /**
   * Where {@code secret} shows, as surface number and the text around it with the secret masked, so
   * a failure does not print the credential (nor megabytes of event log).
   */
  private static List<String> whereShown(List<String> surfaces, String secret) {
    List<String> found = new ArrayList<>();
    for (int i = 0; i < surfaces.size(); i++) {
      String surface = surfaces.get(i);
      int at = surface.indexOf(secret);
      if (at >= 0) {
        String around =
            surface.substring(
                Math.max(0, at - 160), Math.min(surface.length(), at + secret.length() + 40));
        int event = surface.lastIndexOf("\"Event\":", at);
        String kind =
            event < 0 ? "" : surface.substring(event, Math.min(surface.length(), event + 60));
        found.add(
            "surface " + i + " " + kind + ": …" + around.replace(secret, "<credential>") + "…");
      }
    }
    return found;
  }

  @Test
  void withTheExtensionSqlOptionsAndSetOutputAreRedacted() throws Exception {
    Dataset<Row> create =
        spark.sql(
            "CREATE OR REPLACE TEMPORARY VIEW secret_media USING coreviz OPTIONS ("
                + "endpoint '"
                + server.baseUrl()
                + "', apiKey '"
                + PLAIN_KEY
                + "', collectionId '"
                + collection.id()
                + "')");
    String plan = create.queryExecution().explainString(ExplainMode.fromString("extended"));
    assertThat(plan).contains("coreviz");
    assertThat(spark.sql("SELECT count(*) FROM secret_media").collectAsList().get(0).getLong(0))
        .isEqualTo(collection.items().size());
    List<String> surfaces = new ArrayList<>(List.of(plan));
    surfaces.addAll(uiPlansAndEventLog());
    assertThat(String.join("\n", surfaces)).contains("secret_media");
    assertThat(whereShown(surfaces, PLAIN_KEY)).as("surfaces showing the key").isEmpty();

    // A key set on the session is refused by the connector, but SET must not show it either.
    spark.conf().set("spark.coreviz.apiKey", PLAIN_KEY);
    try {
      List<String> shown = new ArrayList<>();
      for (String statement : new String[] {"SET spark.coreviz.apiKey", "SET", "SET -v"}) {
        for (Row row : spark.sql(statement).collectAsList()) {
          shown.add(row.mkString(" = "));
        }
      }
      assertThat(shown).anyMatch(line -> line.startsWith("spark.coreviz.apiKey"));
      assertThat(whereShown(shown, PLAIN_KEY)).as("SET output showing the key").isEmpty();
    } finally {
      spark.conf().unset("spark.coreviz.apiKey");
    }
  }

  @Test
  void anUnreadableKeyFileIsAClearErrorNamingThePath() {
    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> read("apiKeyFile", keyFile + ".missing"));
    assertThat(failure)
        .isInstanceOf(io.coreviz.spark.errors.ConfigurationException.class)
        .hasMessageContaining("apiKeyFile")
        .hasMessageContaining(keyFile + ".missing")
        .hasMessageContaining("readable file");
  }
}
