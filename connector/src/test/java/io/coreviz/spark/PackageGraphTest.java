package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The connector's packages depend on each other without cycles, and client/ and image/ without
 * Spark.
 */
class PackageGraphTest {

  private static final Path SOURCES = Path.of("src/main/java");
  private static final Pattern PACKAGE =
      Pattern.compile("^package (io\\.coreviz\\.spark[\\w.]*);", Pattern.MULTILINE);
  private static final Pattern USE =
      Pattern.compile("\\b(io\\.coreviz\\.spark(?:\\.[a-z]\\w*)*)\\.[A-Z]\\w*");

  /** Package to the connector packages its sources name (imports and qualified names). */
  private static Map<String, Set<String>> graph() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "");
        Matcher declared = PACKAGE.matcher(text);
        if (!declared.find()) {
          continue;
        }
        String from = declared.group(1);
        Set<String> uses = graph.computeIfAbsent(from, p -> new TreeSet<>());
        Matcher use = USE.matcher(text.substring(declared.end()));
        while (use.find()) {
          if (!use.group(1).equals(from)) {
            uses.add(use.group(1));
          }
        }
      }
    }
    return graph;
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, Set<String>> graph = graph();
    assertThat(graph).containsKeys("io.coreviz.spark.read", "io.coreviz.spark.options");
    List<String> cycles = new ArrayList<>();
    for (String start : graph.keySet()) {
      findCycle(graph, start, new ArrayList<>(List.of(start)), cycles);
    }
    assertThat(cycles).as("package cycles").isEmpty();
  }

  private static void findCycle(
      Map<String, Set<String>> graph, String at, List<String> path, List<String> cycles) {
    for (String next : graph.getOrDefault(at, Set.of())) {
      if (next.equals(path.get(0))) {
        cycles.add(String.join(" -> ", path) + " -> " + next);
      } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) {
        path.add(next);
        findCycle(graph, next, path, cycles);
        path.remove(path.size() - 1);
      }
    }
  }

  @Test
  void theClientAndImageDecodingNeedNoSpark() throws IOException {
    for (String pkg : List.of("client", "image")) {
      try (Stream<Path> files = Files.walk(SOURCES.resolve("io/coreviz/spark/" + pkg))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          assertThat(Files.readString(file)).as(file.toString()).doesNotContain("org.apache.spark");
        }
      }
    }
  }
}
