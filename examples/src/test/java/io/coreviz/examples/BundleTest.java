package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Databricks Asset Bundle names what exists: the main class, the flags it passes, the variables
 * it uses, and the jars and ONNX Runtime version this build produces and uses.
 */
class BundleTest {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{var\\.([a-z_]+)}");
  private static Map<String, Object> bundle;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void read() throws Exception {
    Path root = Path.of(System.getProperty("coreviz.connectorDir")).getParent();
    try (Reader reader = Files.newBufferedReader(root.resolve("databricks.yml"))) {
      bundle = new Yaml().load(reader);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T at(Object node, String... keys) {
    Object value = node;
    for (String key : keys) {
      value = ((Map<String, Object>) value).get(key);
      assertThat(value).as("databricks.yml has %s", String.join(".", keys)).isNotNull();
    }
    return (T) value;
  }

  private static List<Map<String, Object>> jarTasks() {
    List<Map<String, Object>> tasks =
        at(bundle, "resources", "jobs", "coreviz_quality_nightly", "tasks");
    return tasks.stream().filter(task -> task.containsKey("spark_jar_task")).toList();
  }

  @Test
  void everyJarTaskRunsTheQualityJobWithFlagsItAccepts() throws Exception {
    Map<String, Object> variables = at(bundle, "variables");
    assertThat(jarTasks()).hasSize(2);
    for (Map<String, Object> task : jarTasks()) {
      String main = at(task, "spark_jar_task", "main_class_name");
      Method entry = Class.forName(main).getMethod("main", String[].class);
      assertThat(Modifier.isStatic(entry.getModifiers())).isTrue();

      List<Object> parameters = at(task, "spark_jar_task", "parameters");
      List<String> args = new ArrayList<>();
      for (Object parameter : parameters) {
        Matcher variable = VARIABLE.matcher(parameter.toString());
        while (variable.find()) {
          assertThat(variables).as("variables of databricks.yml").containsKey(variable.group(1));
        }
        args.add(VARIABLE.matcher(parameter.toString()).replaceAll("value-of-$1"));
      }
      assertThatCode(() -> QualityJob.parseFlags(args.toArray(new String[0])))
          .as("QualityJob accepts %s", args)
          .doesNotThrowAnyException();
      assertThat(args).contains("--schema", "--checkpoint").doesNotContain("--api-key");
    }
  }

  @Test
  void theJarsAreTheOnesThisBuildMakes() {
    String shaded = Path.of(System.getProperty("coreviz.shadedJar")).getFileName().toString();
    String examples = "coreviz-spark-examples-" + System.getProperty("coreviz.version") + ".jar";
    List<Map<String, Object>> built = at(bundle, "artifacts", "coreviz_jars", "files");
    assertThat(
            built.stream()
                .map(file -> Path.of(file.get("source").toString()).getFileName().toString()))
        .containsExactlyInAnyOrder(shaded, examples);
    for (Map<String, Object> task : jarTasks()) {
      List<Map<String, Object>> libraries = at(task, "libraries");
      List<String> jars =
          libraries.stream()
              .filter(library -> library.containsKey("jar"))
              .map(library -> Path.of(library.get("jar").toString()).getFileName().toString())
              .toList();
      assertThat(jars).containsExactlyInAnyOrder(shaded, examples);
      List<String> args = at(task, "spark_jar_task", "parameters");
      List<String> maven =
          libraries.stream()
              .filter(library -> library.containsKey("maven"))
              .map(library -> at(library, "maven", "coordinates").toString())
              .toList();
      if (args.contains("--clip-model")) {
        assertThat(maven)
            .containsExactly(
                "com.microsoft.onnxruntime:onnxruntime:"
                    + System.getProperty("coreviz.onnxruntimeVersion"));
      } else {
        assertThat(maven).isEmpty();
      }
    }
  }

  @Test
  void itRunsNightly() {
    String cron =
        at(
            bundle,
            "resources",
            "jobs",
            "coreviz_quality_nightly",
            "schedule",
            "quartz_cron_expression");
    // seconds minutes hours day-of-month month day-of-week: once a day at a fixed time
    assertThat(cron.split(" ")).hasSize(6);
    assertThat(cron).matches("0 \\d+ \\d+ \\* \\* \\?");
  }
}
