package io.coreviz.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/ as a reader meets them: every relative link leads to a page and a heading
 * that exist, README stays short and keeps the test command CI runs, each page says first what a
 * reader can do with it, and no page tells the project's own history.
 */
class DocsTest {

  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  private static final Pattern FENCE = Pattern.compile("(?m)^```");

  /** Words that date or narrate the project's own work, which belongs in commit messages. */
  private static final List<Pattern> HISTORY =
      List.of(
          Pattern.compile("(?i)\\bissue\\s*#?\\d+"),
          Pattern.compile("(?i)(?<![\\w`])#\\d{1,4}\\b"),
          Pattern.compile("(?i)\\bsession \\d+"),
          Pattern.compile("(?i)\\bhow it got here\\b"),
          Pattern.compile("(?i)\\bbefore this change\\b"),
          Pattern.compile("(?i)\\btried and not kept\\b"),
          Pattern.compile("(?i)\\bthe build before\\b"),
          Pattern.compile("(?i)\\bbefore (?:its|the|this) [\\w ]{1,30}? (?:was|were|ran)\\b"));

  private static List<Path> pages() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(Docs.root().resolve("README.md"));
    try (Stream<Path> docs = Files.list(Docs.root().resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    return pages;
  }

  /** The text outside fenced code blocks. */
  private static String prose(String markdown) {
    String[] parts = FENCE.split(markdown, -1);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < parts.length; i += 2) {
      text.append(parts[i]);
    }
    return text.toString();
  }

  /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, "-" for " ". */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : prose(markdown).split("\n")) {
      if (!line.startsWith("#")) {
        continue;
      }
      String slug =
          line.replaceFirst("^#+\\s*", "")
              .strip()
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
              .replace(' ', '-');
      int n = seen.merge(slug, 1, Integer::sum);
      anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
    }
    return anchors;
  }

  @Test
  void anchorsAreGitHubs() {
    assertThat(anchors("# A\n## Retries: one path\n## DataFrame: `ClipScorer`, ML\n## A\n"))
        .containsExactlyInAnyOrder("a", "retries-one-path", "dataframe-clipscorer-ml", "a-1");
  }

  @Test
  void everyRelativeLinkLeadsToAPageAndHeadingThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages()) {
      Matcher link = LINK.matcher(prose(Files.readString(page)));
      while (link.find()) {
        String target = link.group(1);
        if (target.matches("^[a-z]+:.*")) {
          continue; // https:, mailto:
        }
        checked++;
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
          broken.add(page.getFileName() + ": " + target + " (no such file)");
        } else if (hash >= 0
            && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
          broken.add(page.getFileName() + ": " + target + " (no such heading)");
        }
      }
    }
    assertThat(checked).as("relative links checked").isGreaterThan(20);
    assertThat(broken).as("broken links").isEmpty();
  }

  @Test
  void readmeIsShortAndKeepsTheTestCommandCiRuns() throws IOException {
    String readme = Docs.read("README.md");
    String ci = Files.readString(Docs.root().resolve(".ci/run"));
    Matcher first =
        Pattern.compile("(?s)Run the test suite.*?```sh\\n([^\\n]+)\\n```").matcher(readme);

    assertThat(readme.lines().count()).as("README lines").isLessThanOrEqualTo(250);
    assertThat(first.find()).as("README's test command").isTrue();
    assertThat(ci.lines().map(String::strip)).as(".ci/run").contains(first.group(1));
  }

  @Test
  void eachDocsPageSaysFirstWhatAReaderCanDoWithIt() throws IOException {
    for (Path page : pages().subList(1, pages().size())) {
      List<String> lines = Files.readAllLines(page);
      assertThat(lines.get(0)).as("%s starts with its title", page.getFileName()).startsWith("# ");
      assertThat(lines.get(2))
          .as("%s's first paragraph", page.getFileName())
          .startsWith("With this page you can");
    }
  }

  @Test
  void whatTheNotebooksPointToExists() throws IOException {
    Set<String> readme = anchors(Docs.read("README.md"));
    List<String> missing = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> notebooks = Files.list(Docs.root().resolve("notebooks"))) {
      for (Path notebook : notebooks.toList()) {
        String text = Files.readString(notebook);
        Matcher page = Pattern.compile("docs/[\\w-]+\\.md").matcher(text);
        while (page.find()) {
          checked++;
          if (!Files.exists(Docs.root().resolve(page.group()))) {
            missing.add(notebook.getFileName() + ": " + page.group());
          }
        }
        Matcher section = Pattern.compile("\\(README, ([^)]+)\\)").matcher(text);
        while (section.find()) {
          checked++;
          String anchor = section.group(1).toLowerCase(Locale.ROOT).replace(' ', '-');
          if (!readme.contains(anchor)) {
            missing.add(notebook.getFileName() + ": README's " + section.group(1));
          }
        }
      }
    }
    assertThat(checked).as("references checked").isGreaterThanOrEqualTo(3);
    assertThat(missing).isEmpty();
  }

  @Test
  void noPageTellsTheProjectsHistory() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path page : pages()) {
      String text = Files.readString(page);
      for (Pattern words : HISTORY) {
        Matcher match = words.matcher(text);
        while (match.find()) {
          found.add(page.getFileName() + ": " + match.group());
        }
      }
    }
    assertThat(found).isEmpty();
  }
}
