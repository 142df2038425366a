package io.coreviz.spark.clip.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.coreviz.spark.clip.ClipFixtures;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClipTokenizerTest {

  @Test
  void aPhotoOfACatMatchesOpenAi() {
    long[] mask = new long[77];
    long[] ids = ClipTokenizer.openAi().tokenize(List.of("a photo of a cat"), mask);

    assertThat(java.util.Arrays.copyOf(ids, 8))
        .containsExactly(49406, 320, 1125, 539, 320, 2368, 49407, 0);
    assertThat(mask).startsWith(1, 1, 1, 1, 1, 1, 1, 0).hasSize(77);
    assertThat(ClipTokenizer.openAi().vocabularySize()).isEqualTo(49408);
  }

  static Stream<Arguments> openAiGolden() {
    return cases(ClipFixtures.json(ClipFixtures.ROOT.resolve("tokenizer-golden.json")), "ids");
  }

  /** Punctuation, digits, contractions, whitespace, accents, CJK, emoji, specials, truncation. */
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("openAiGolden")
  void matchesTheReferenceTokenizer(String text, long[] expected) {
    long[] ids = ClipTokenizer.openAi().tokenize(List.of(text), new long[77]);

    assertThat(ids).as("ids of %s", text).containsExactly(expected);
  }

  static Stream<Arguments> tokenizerJsonGolden() {
    return cases(ClipFixtures.golden(ClipFixtures.TRANSFORMERS_JS).get("texts"), "ids");
  }

  /** The transformers.js fixture's tokenizer.json has 3,000 merges only: other ids, same rules. */
  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("tokenizerJsonGolden")
  void readsAModelsTokenizerJson(String text, long[] expected) {
    ClipTokenizer tokenizer =
        ClipTokenizer.fromTokenizerJson(ClipFixtures.TRANSFORMERS_JS.resolve("tokenizer.json"));

    assertThat(tokenizer.tokenize(List.of(text), new long[77])).containsExactly(expected);
    assertThat(tokenizer.vocabularySize()).isEqualTo(256 * 2 + 3000 + 2);
  }

  @Test
  void truncatesToTheContextKeepingTheEndToken() {
    long[] mask = new long[2 * 77];
    long[] ids = ClipTokenizer.openAi().tokenize(List.of("x", "cat ".repeat(200)), mask);

    assertThat(ids[77]).isEqualTo(49406);
    assertThat(ids[77 + 76]).isEqualTo(49407);
    assertThat(ids[77 + 75]).isEqualTo(2368);
    assertThat(java.util.Arrays.stream(mask, 77, 154).sum()).isEqualTo(77);
    assertThat(java.util.Arrays.stream(mask, 0, 77).sum()).isEqualTo(3);
  }

  @Test
  void rejectsATokenizerJsonThatIsNotClipBpe(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("tokenizer.json");
    Files.writeString(file, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");

    assertThatThrownBy(() -> ClipTokenizer.fromTokenizerJson(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("not a CLIP tokenizer")
        .hasMessageContaining("WordPiece");
  }

  private static Stream<Arguments> cases(JsonNode entries, String field) {
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode entry : entries) {
      JsonNode ids = entry.get(field);
      long[] expected = new long[ids.size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = ids.get(i).asLong();
      }
      cases.add(Arguments.of(entry.get("text").asText(), expected));
    }
    return cases.stream();
  }
}
