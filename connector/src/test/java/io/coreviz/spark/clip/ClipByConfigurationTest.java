package io.coreviz.spark.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.spark.LocalServer;
import io.coreviz.spark.SharedSpark;
import io.coreviz.spark.clip.model.ClipMath;
import io.coreviz.spark.errors.ConfigurationException;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With the session extension, the {@code clip_*} functions need only a Spark setting naming the
 * model, as a Spark Connect client (no JVM access) can give it: no call to {@link
 * ClipSqlFunctions#register}.
 */
class ClipByConfigurationTest {

  @RegisterExtension static final LocalServer server = LocalServer.of(ClipServer::builder);

  @SharedSpark(settings = "spark.sql.extensions=io.coreviz.spark.catalog.CoreVizExtensions")
  private static SparkSession spark;

  private static JsonNode golden;

  @BeforeAll
  static void start() {
    golden = ClipFixtures.golden(ClipFixtures.OPTIMUM);
  }

  @Test
  void aSettingAloneGivesTheBatchedFunctions() {
    SparkSession session = spark.newSession();
    session.conf().set(ClipSqlFunctions.MODEL_CONF, ClipFixtures.OPTIMUM.toString());
    ClipServer.read(session, server.get()).createOrReplaceTempView("media");
    String query =
        "SELECT name, metadata.description AS text, clip_cosine(blob, metadata.description) AS"
            + " cosine, clip_embed(blob) AS embedding FROM media WHERE type = 'image'";

    List<Row> rows = session.sql(query).collectAsList();

    int checked = 0;
    for (Row row : rows) {
      float[] image = ClipServer.expectedEmbedding(golden, row.getAs("name"));
      if (image == null) {
        assertThat(row.<Object>getAs("cosine")).isNull();
        continue;
      }
      double tolerance = row.<String>getAs("name").endsWith(".jpg") ? 5e-3 : 1e-4;
      assertThat(row.<Double>getAs("cosine"))
          .as(row.<String>getAs("name"))
          .isCloseTo(
              ClipMath.cosine(image, ClipServer.expectedText(golden, row.getAs("text"))),
              within(tolerance));
      List<Float> embedding = row.getList(row.fieldIndex("embedding"));
      assertThat(embedding.get(0)).isCloseTo(image[0], within((float) tolerance));
      checked++;
    }
    assertThat(checked).isEqualTo(golden.get("images").size());
    assertThat(session.sql(query).queryExecution().executedPlan().toString())
        .as("one batched step")
        .containsOnlyOnce("MapPartitions");
  }

  @Test
  void withoutTheSettingACallSaysWhatToSet() {
    SparkSession session = spark.newSession();
    ClipServer.read(session, server.get()).createOrReplaceTempView("media");

    Throwable failure =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> session.sql("SELECT clip_embed(blob) FROM media").collectAsList());

    assertThat(failure)
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("clip_embed needs a CLIP model")
        .hasMessageContaining(ClipSqlFunctions.MODEL_CONF);
  }
}
