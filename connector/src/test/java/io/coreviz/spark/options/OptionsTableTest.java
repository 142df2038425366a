package io.coreviz.spark.options;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** README's options table and the option registry say the same: names and defaults. */
class OptionsTableTest {

  private static final Pattern NAME = Pattern.compile("`([A-Za-z]+)`");

  /** Each documented option name with the default cell of its row. */
  private static Map<String, String> readmeDefaults() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md"))
        || !Files.isDirectory(dir.resolve("connector"))) {
      dir = dir.getParent();
    }
    List<String> lines = Files.readAllLines(dir.resolve("README.md"));
    int header = lines.indexOf("| option | default | meaning |");
    assertThat(header).as("README has the options table").isNotNegative();
    Map<String, String> defaults = new LinkedHashMap<>();
    for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String[] cells = lines.get(i).split("(?<!\\\\)\\|");
      List<String> names = new ArrayList<>();
      Matcher name = NAME.matcher(cells[1]);
      while (name.find()) {
        names.add(name.group(1));
      }
      String cell = cells[2].trim();
      List<String> parts = Arrays.asList(cell.split(", (?=`)"));
      for (int n = 0; n < names.size(); n++) {
        defaults.put(names.get(n), parts.size() == names.size() ? parts.get(n).trim() : cell);
      }
    }
    return defaults;
  }

  @Test
  void readmeListsEveryOptionOnceWithItsDefault() throws IOException {
    Map<String, String> readme = readmeDefaults();
    Map<String, String> registry = new LinkedHashMap<>();
    CoreVizOptions.ALL.forEach(option -> registry.put(option.name(), option.shownDefault()));

    assertThat(readme.keySet())
        .as("options README documents")
        .containsExactlyInAnyOrderElementsOf(registry.keySet());
    assertThat(readme).as("defaults README shows").isEqualTo(registry);
  }

  @Test
  void aDefaultShownAsAValueIsTheValueAnUnsetOptionGets() {
    ReadOptions unset =
        ReadOptions.parse(
            Map.of("collectionId", "0f8fad5bd9cb469fa16570867728950e", "apiKey", "k"),
            key -> null,
            key -> null);
    for (OptionSpec<?> option : CoreVizOptions.ALL) {
      String shown = option.shownDefault();
      if (shown.matches("`[^`]+`") && !option.name().equals("endpoint")) {
        Object value = unset.value(option);
        String text =
            value instanceof java.time.Duration d
                ? String.valueOf(d.toMillis())
                : value instanceof Enum<?> e
                    ? e.name().toLowerCase(java.util.Locale.ROOT)
                    : String.valueOf(value);
        assertThat("`" + text + "`").as(option.name()).isEqualTo(shown);
      }
    }
  }
}
