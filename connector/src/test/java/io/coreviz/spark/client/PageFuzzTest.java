package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.coreviz.emulator.api.MediaJson;
import io.coreviz.emulator.api.MediaQuery;
import io.coreviz.emulator.api.MediaSearch;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.errors.DataException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated pages through the page parser and row converter: each either gives rows or the
 * documented {@link DataException}, never another exception.
 */
class PageFuzzTest {

  private static final String[] VALUES = {
    "null",
    "true",
    "0",
    "-1",
    "1e400",
    "99999999999999999999",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
    "[null]",
    "{\"a\":[1,{\"b\":null}]}",
    "\"2026-13-45T99:00:00Z\"",
    "3.5",
    "\"\\u0000\""
  };

  private static final String SYMBOLS = "{}[],:\"media\"pagination";

  private static byte[] validPage(long seed) {
    MediaCollection collection = SyntheticCollection.generate(seed, 30);
    MediaQuery query =
        MediaQuery.parse(
            seed % 2 == 0
                ? Map.of("recursive", "true", "limit", "12")
                : Map.of("recursive", "true", "limit", "12", "q", "red"),
            collection.id(),
            100);
    return MediaJson.page(
        collection, query, MediaSearch.search(collection, query), "http://blobs/");
  }

  private static String mutate(String page, Random random) {
    StringBuilder text = new StringBuilder(page);
    int mutations = 1 + random.nextInt(4);
    for (int i = 0; i < mutations && text.length() > 0; i++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(6)) {
        case 0 -> text.setLength(at); // truncate
        case 1 -> text.deleteCharAt(at);
        case 2 -> text.insert(at, "{}[],:\"0an".charAt(random.nextInt(10)));
        case 3 -> text.setCharAt(at, (char) (32 + random.nextInt(95)));
        case 4 -> {
          // Replace the value after a random colon with another JSON value.
          int colon = text.indexOf(":", at);
          if (colon > 0) {
            int end = colon + 1;
            while (end < text.length() && ",}]".indexOf(text.charAt(end)) < 0) {
              end++;
            }
            text.replace(colon + 1, end, VALUES[random.nextInt(VALUES.length)]);
          }
        }
        default -> text.insert(at, VALUES[random.nextInt(VALUES.length)]);
      }
    }
    return text.toString();
  }

  private static void parse(String page) {
    try {
      PageParser.parse(
          new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)),
          new MediaRowReader(),
          "/fuzz");
    } catch (DataException expected) {
      assertThat(expected.getMessage()).contains("/fuzz");
    } catch (Throwable other) {
      fail("page %s%ngave %s", page, other, other);
    }
  }

  @Test
  void validPagesGiveEveryRow() throws Exception {
    byte[] page = validPage(2);
    MediaPage<InternalRow> parsed =
        PageParser.parse(new ByteArrayInputStream(page), new MediaRowReader(), "/fuzz");
    assertThat(parsed.items()).hasSize(12);
  }

  @Test
  void mutatedPagesGiveRowsOrADataException() {
    Random random = new Random(20261129);
    for (int i = 0; i < 4_000; i++) {
      parse(mutate(new String(validPage(i % 7), StandardCharsets.UTF_8), random));
    }
  }

  @Test
  void randomDocumentsGiveADataException() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(60);
      for (int j = 0; j < length; j++) {
        text.append(
            random.nextBoolean()
                ? VALUES[random.nextInt(VALUES.length)]
                : SYMBOLS.charAt(random.nextInt(SYMBOLS.length())));
      }
      parse(text.toString());
    }
  }
}
