package io.coreviz.spark.options;

import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.Docs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The options table (docs/reading.md) and the option registry say the same: names and defaults. */
class OptionsTableTest {

  private static final Pattern NAME = Pattern.compile("`([A-Za-z]+)`");

  /** Each documented option name with the default cell of its row. */
  private static Map<String, String> documentedDefaults() {
    List<String> lines = Docs.read("docs/reading.md").lines().toList();
    int header = lines.indexOf("| option | default | meaning |");
    assertThat(header).as("docs/reading.md has the options table").isNotNegative();
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
  void theOptionsPageListsEveryOptionOnceWithItsDefault() {
    Map<String, String> readme = documentedDefaults();
    Map<String, String> registry = new LinkedHashMap<>();
    CoreVizOptions.ALL.forEach(option -> registry.put(option.name(), option.shownDefault()));

    assertThat(readme.keySet())
        .as("options docs/reading.md documents")
        .containsExactlyInAnyOrderElementsOf(registry.keySet());
    assertThat(readme).as("defaults docs/reading.md shows").isEqualTo(registry);
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
