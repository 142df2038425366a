package io.coreviz.spark.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coreviz.spark.client.Credentials;
import io.coreviz.spark.errors.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReadOptionsTest {

  private static final String ID = "0f8fad5bd9cb469fa16570867728950e";
  private static final Function<String, String> NONE = key -> null;

  private static ReadOptions parse(String... keyValues) {
    return parse(NONE, NONE, keyValues);
  }

  private static ReadOptions parse(
      Function<String, String> env, Function<String, String> conf, String... keyValues) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      options.put(keyValues[i], keyValues[i + 1]);
    }
    return ReadOptions.parse(options, env, conf);
  }

  @Test
  void defaultsBrowseTheWholeCollectionInCreationOrder() {
    ReadOptions options = parse("collectionId", ID, "apiKey", "k");

    assertThat(options.client().endpoint()).isEqualTo("https://lab.coreviz.io");
    assertThat(options.pageSize()).isEqualTo(100);
    assertThat(options.itemsPerPartition()).isEqualTo(20_000);
    assertThat(options.scored()).isFalse();
    assertThat(options.query().request().pathAndQuery())
        .isEqualTo(
            "/api/dataset/" + ID + "/media?recursive=true&sortBy=createdAt&sortDirection=asc");
  }

  @Test
  void hyphenatedAndUpperCaseCollectionIdsAreNormalised() {
    assertThat(
            parse("collectionId", "0F8FAD5B-D9CB-469F-A165-70867728950E", "apiKey", "k")
                .collectionId())
        .isEqualTo(ID);
  }

  @Test
  void optionNamesAreCaseInsensitive() {
    ReadOptions options =
        parse("COLLECTIONID", ID, "apikey", "k", "PageSize", "7", "TYPE", "video");

    assertThat(options.pageSize()).isEqualTo(7);
    assertThat(options.query().request().params()).containsEntry("type", "video");
  }

  @Test
  void everyApiParameterIsPassedThrough() {
    ReadOptions options =
        parse(
            "collectionId",
            ID,
            "apiKey",
            "k",
            "path",
            ID + ".abc",
            "recursive",
            "false",
            "type",
            "image",
            "dateFrom",
            "2026-01-02",
            "dateTo",
            "2026-02-03",
            "tags",
            "red, blue",
            "tagFilters",
            "{ \"color\" : [\"red\"] }",
            "mediaId",
            "m1",
            "clusterId",
            "c1",
            "sortBy",
            "name",
            "sortDirection",
            "desc");

    assertThat(options.query().request().params())
        .containsExactly(
            Map.entry("path", ID + ".abc"),
            Map.entry("recursive", "false"),
            Map.entry("type", "image"),
            Map.entry("dateFrom", "2026-01-02"),
            Map.entry("dateTo", "2026-02-03"),
            Map.entry("tags", "red,blue"),
            Map.entry("tagFilters", "{\"color\":[\"red\"]}"),
            Map.entry("mediaId", "m1"),
            Map.entry("clusterId", "c1"),
            Map.entry("sortBy", "name"),
            Map.entry("sortDirection", "desc"));
  }

  @Test
  void scoredModeDropsTheExplicitSort() {
    ReadOptions options =
        parse("collectionId", ID, "apiKey", "k", "q", "red shoes", "minScore", "0.2");

    assertThat(options.scored()).isTrue();
    assertThat(options.query().request().params())
        .containsEntry("q", "red shoes")
        .containsEntry("minScore", "0.2")
        .doesNotContainKeys("sortBy", "sortDirection");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "collectionId|not-a-uuid|UUID",
        "collectionId|0f8fad5bd9cb469fa16570867728950|UUID",
        "endpoint|ftp://host|http(s)",
        "endpoint|lab.coreviz.io|http(s)",
        "path|" + ID + ".a-b|ltree",
        "path|otherid.folder|must start with the collection id",
        "recursive|yes|true or false",
        "type|photo|image, video, folder, all",
        "dateFrom|2026-13-01|YYYY-MM-DD",
        "dateTo|10/03/2026|YYYY-MM-DD",
        "tags|red,,blue|comma-separated",
        "tagFilters|{color:[red]}|not valid JSON",
        "tagFilters|[\"red\"]|JSON object",
        "tagFilters|{\"color\":\"red\"}|array",
        "tagFilters|{\"color\":[1]}|array of values",
        "sortBy|size|name, createdAt, type, description, prompt",
        "sortDirection|up|asc, desc",
        "similarToObjectModel|cars|faces, objects, shoeprints",
        "minScore|0.5|only together with q",
        "pageSize|ten|integer from 1 to 10000",
        "pageSize|0|integer from 1 to 10000",
        "pageSize|10001|integer from 1 to 10000",
        "itemsPerPartition|-5|integer from 1",
        "partitionBy|size|date, folder, offset",
        "maxRetries|-1|integer from 0 to 100",
        "retryBackoffMs|soon|integer from 0",
        "maxRetryTimeMs|-5|integer from 0",
        "connectTimeoutMs|0|integer from 1",
        "readTimeoutMs|1e3|integer from 1",
        "maxRequestsPerSecond|0|positive number",
        "maxRequestsPerSecond|fast|positive number",
        "allowInsecureHttp|sure|true or false",
        "endpoint|http://api.example.com|plain http sends the API key unencrypted",
        "numPartitions|0|integer from 1",
        "pushDown|off|true or false",
        "pushDownLimit|maybe|true or false",
        "startingTimestamp|2026-11-30|ISO-8601 instant with a zone",
        "startingTimestamp|2026-11-30T00:00:00|earliest, latest or an ISO-8601 instant",
        "startingTimestamp|yesterday|earliest, latest or an ISO-8601 instant",
      })
  void badValuesNameTheOptionTheValueAndWhatIsValid(String option, String value, String valid) {
    Map<String, String> options = new HashMap<>(Map.of("collectionId", ID, "apiKey", "k"));
    options.put(option, value);

    assertThatThrownBy(() -> ReadOptions.parse(options, NONE, NONE))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'" + option + "'")
        .hasMessageContaining(value)
        .hasMessageContaining(valid)
        .satisfies(
            e -> {
              assertThat(((ConfigurationException) e).option()).isEqualTo(option);
              assertThat(((ConfigurationException) e).value()).isEqualTo(value);
            });
  }

  @Test
  void badMinScoreInScoredModeIsRejected() {
    assertThatThrownBy(() -> parse("collectionId", ID, "apiKey", "k", "q", "x", "minScore", "high"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'minScore' = 'high'")
        .hasMessageContaining("number");
  }

  @Test
  void dateRangeMustNotBeReversed() {
    assertThatThrownBy(
            () ->
                parse(
                    "collectionId",
                    ID,
                    "apiKey",
                    "k",
                    "dateFrom",
                    "2026-03-02",
                    "dateTo",
                    "2026-03-01"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'dateTo' = '2026-03-01'")
        .hasMessageContaining("dateFrom");
  }

  @Test
  void missingCollectionIdSaysWhatToSet() {
    assertThatThrownBy(() -> parse("apiKey", "k"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("Missing option 'collectionId'")
        .hasMessageContaining("UUID");
  }

  @Test
  void missingCredentialsListEveryWayToProvideThem() {
    assertThatThrownBy(() -> parse("collectionId", ID))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("apiKey")
        .hasMessageContaining("bearerToken")
        .hasMessageContaining("COREVIZ_API_KEY")
        .hasMessageContaining("spark.coreviz.apiKey");
  }

  @Test
  void credentialsComeFromTheOptionThenTheEnvironmentThenSparkConf() {
    Function<String, String> env = key -> key.equals("COREVIZ_API_KEY") ? "from-env" : null;
    Function<String, String> conf = key -> key.equals("spark.coreviz.apiKey") ? "from-conf" : null;

    assertThat(parse(env, conf, "collectionId", ID, "apiKey", "from-option").client().credentials())
        .isEqualTo(Credentials.apiKey("from-option"));
    assertThat(parse(env, conf, "collectionId", ID).client().credentials())
        .isEqualTo(Credentials.apiKey("from-env"));
    assertThat(parse(NONE, conf, "collectionId", ID).client().credentials())
        .isEqualTo(Credentials.apiKey("from-conf"));
    assertThat(parse(env, conf, "collectionId", ID, "bearerToken", "tok").client().credentials())
        .isEqualTo(Credentials.bearerToken("tok"));
  }

  @Test
  void apiKeyAndBearerTokenTogetherAreAmbiguous() {
    assertThatThrownBy(() -> parse("collectionId", ID, "apiKey", "k", "bearerToken", "t"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("set only one");
  }

  @Test
  void toStringNeverShowsTheSecret() {
    String secret = "sk-live-4f1c2a";
    assertThat(parse("collectionId", ID, "apiKey", secret).toString()).doesNotContain(secret);
    assertThat(parse("collectionId", ID, "bearerToken", secret).toString()).doesNotContain(secret);
  }

  @Test
  void pushdownKindsTurnOffOneByOneOrAllAtOnce() {
    ReadOptions defaults = parse("collectionId", ID, "apiKey", "k");
    ReadOptions noTopN = parse("collectionId", ID, "apiKey", "k", "pushDownTopN", "false");
    ReadOptions none = parse("collectionId", ID, "apiKey", "k", "pushDown", "false");

    for (ReadOptions.Pushdown kind : ReadOptions.Pushdown.values()) {
      assertThat(defaults.pushes(kind)).as(kind.name()).isTrue();
      assertThat(noTopN.pushes(kind)).as(kind.name()).isEqualTo(kind != ReadOptions.Pushdown.TOP_N);
      assertThat(none.pushes(kind)).as(kind.name()).isFalse();
    }
  }

  @Test
  void partitioningDefaultsToDateWindowsWithoutACap() {
    ReadOptions defaults = parse("collectionId", ID, "apiKey", "k");
    ReadOptions folders =
        parse("collectionId", ID, "apiKey", "k", "partitionBy", "folder", "numPartitions", "8");

    assertThat(defaults.partitionBy()).isEqualTo(ReadOptions.PartitionBy.DATE);
    assertThat(defaults.numPartitions()).isEqualTo(Integer.MAX_VALUE);
    assertThat(folders.partitionBy()).isEqualTo(ReadOptions.PartitionBy.FOLDER);
    assertThat(folders.numPartitions()).isEqualTo(8);
  }

  @Test
  void plainHttpIsAcceptedOnLoopbackOrWhenAllowed() {
    for (String local :
        new String[] {"http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:80"}) {
      assertThat(parse("collectionId", ID, "apiKey", "k", "endpoint", local).client().endpoint())
          .isEqualTo(local);
    }
    assertThat(
            parse(
                    "collectionId",
                    ID,
                    "apiKey",
                    "k",
                    "endpoint",
                    "http://coreviz.internal",
                    "allowInsecureHttp",
                    "true")
                .client()
                .endpoint())
        .isEqualTo("http://coreviz.internal");
  }

  @Test
  void retryAndTimeoutOptionsMakeTheCallPolicy() {
    ReadOptions options =
        parse(
            "collectionId",
            ID,
            "apiKey",
            "k",
            "maxRetries",
            "2",
            "retryBackoffMs",
            "50",
            "maxRetryBackoffMs",
            "400",
            "maxRetryTimeMs",
            "9000",
            "connectTimeoutMs",
            "1500",
            "readTimeoutMs",
            "2500",
            "maxRequestsPerSecond",
            "12.5");

    assertThat(options.client().callPolicy())
        .isEqualTo(
            new io.coreviz.spark.client.CallPolicy(
                2,
                java.time.Duration.ofMillis(50),
                java.time.Duration.ofMillis(400),
                java.time.Duration.ofMillis(9000),
                java.time.Duration.ofMillis(1500),
                java.time.Duration.ofMillis(2500),
                12.5,
                32));
    assertThat(parse("collectionId", ID, "apiKey", "k").client().callPolicy())
        .isEqualTo(io.coreviz.spark.client.CallPolicy.DEFAULT);
  }

  @Test
  void endpointLosesItsTrailingSlash() {
    assertThat(
            parse("collectionId", ID, "apiKey", "k", "endpoint", "http://127.0.0.1:8080/")
                .client()
                .endpoint())
        .isEqualTo("http://127.0.0.1:8080");
  }
}
