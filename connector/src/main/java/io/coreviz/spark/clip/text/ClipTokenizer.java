package io.coreviz.spark.clip.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coreviz.spark.errors.ConfigurationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * CLIP's tokenizer: byte-level BPE over lowercased, NFC-normalised text with whitespace runs
 * collapsed, wrapped in start/end-of-text tokens and padded (with 0, attention mask 0) or truncated
 * to a context of 77, keeping the end token last. It follows OpenAI's {@code simple_tokenizer.py},
 * HTML unescaping included (twice, as Python's {@code html.unescape}) with OpenAI's vocabulary,
 * except that it does not run {@code ftfy} (mojibake repair). With a model's {@code tokenizer.json}
 * it does as Hugging Face's fast CLIP tokenizer: no HTML unescaping.
 *
 * <p>The vocabulary is OpenAI's ({@code bpe_simple_vocab_16e6.txt.gz}, 49,408 tokens, start 49406,
 * end 49407), or a model's own {@code tokenizer.json} (Hugging Face tokenizers format, BPE with the
 * {@code </w>} end-of-word suffix). Thread-safe.
 */
public final class ClipTokenizer {

  public static final int CONTEXT_LENGTH = 77;

  private static final String START = "<|startoftext|>";
  private static final String END = "<|endoftext|>";
  private static final String BUNDLED_VOCABULARY = "bpe_simple_vocab_16e6.txt.gz";
  private static final int BUNDLED_MERGES = 49152 - 256 - 2;
  private static final Pattern PIECES =
      Pattern.compile(
          "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d"
              + "|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+");
  private static final int PRINTABLE_BYTES = 188;
  private static final int[] BYTE_ORDER = byteOrder();
  private static final String[] BYTE_CHARS = byteChars();
  private static final int CACHE_LIMIT = 100_000;

  private final Map<String, Integer> vocabulary;
  private final Map<String, Integer> mergeRanks;
  private final int start;
  private final int end;
  private final Map<String, int[]> cache = new ConcurrentHashMap<>();
  private final boolean unescapeHtml;

  /**
   * @param unescapeHtml unescape HTML character references (twice) before tokenizing, as OpenAI's
   *     tokenizer does; Hugging Face's fast tokenizer, whose {@code tokenizer.json} models bring,
   *     does not
   */
  private ClipTokenizer(
      Map<String, Integer> vocabulary, List<String[]> merges, boolean unescapeHtml) {
    this.vocabulary = vocabulary;
    this.unescapeHtml = unescapeHtml;
    this.mergeRanks = new HashMap<>(merges.size() * 2);
    for (int rank = 0; rank < merges.size(); rank++) {
      mergeRanks.putIfAbsent(pairKey(merges.get(rank)[0], merges.get(rank)[1]), rank);
    }
    this.start = special(START);
    this.end = special(END);
  }

  /** OpenAI's CLIP vocabulary, bundled with the connector. */
  public static ClipTokenizer openAi() {
    return Bundled.INSTANCE;
  }

  private static final class Bundled {
    static final ClipTokenizer INSTANCE = loadBundled();
  }

  private static ClipTokenizer loadBundled() {
    List<String[]> merges = new ArrayList<>(BUNDLED_MERGES);
    try (InputStream raw = ClipTokenizer.class.getResourceAsStream(BUNDLED_VOCABULARY)) {
      if (raw == null) {
        throw new IllegalStateException(BUNDLED_VOCABULARY + " is missing from the jar");
      }
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
      lines.readLine(); // a version header
      for (int i = 0; i < BUNDLED_MERGES; i++) {
        merges.add(lines.readLine().split(" "));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled CLIP vocabulary", e);
    }
    Map<String, Integer> vocabulary = new LinkedHashMap<>(49408 * 2);
    for (int b : BYTE_ORDER) {
      vocabulary.put(BYTE_CHARS[b], vocabulary.size());
    }
    for (int b : BYTE_ORDER) {
      vocabulary.put(BYTE_CHARS[b] + "</w>", vocabulary.size());
    }
    for (String[] merge : merges) {
      vocabulary.put(merge[0] + merge[1], vocabulary.size());
    }
    vocabulary.put(START, vocabulary.size());
    vocabulary.put(END, vocabulary.size());
    return new ClipTokenizer(vocabulary, merges, true);
  }

  /** A model's {@code tokenizer.json}: its BPE vocabulary, merges and special tokens. */
  public static ClipTokenizer fromTokenizerJson(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.newInputStream(file));
    } catch (IOException e) {
      throw new ConfigurationException("cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())
        || !"</w>".equals(model.path("end_of_word_suffix").asText())) {
      throw new ConfigurationException(
          file
              + " is not a CLIP tokenizer: expected model.type BPE with end_of_word_suffix"
              + " '</w>', found type '"
              + model.path("type").asText()
              + "'");
    }
    Map<String, Integer> vocabulary = new HashMap<>();
    model
        .path("vocab")
        .fields()
        .forEachRemaining(e -> vocabulary.put(e.getKey(), e.getValue().asInt()));
    for (JsonNode added : root.path("added_tokens")) {
      vocabulary.put(added.path("content").asText(), added.path("id").asInt());
    }
    List<String[]> merges = new ArrayList<>();
    for (JsonNode merge : model.path("merges")) {
      // "a b" in tokenizers < 0.20, ["a", "b"] after
      merges.add(
          merge.isArray()
              ? new String[] {merge.get(0).asText(), merge.get(1).asText()}
              : merge.asText().split(" ", 2));
    }
    if (vocabulary.isEmpty() || merges.isEmpty()) {
      throw new ConfigurationException(file + " has no BPE vocabulary or merges");
    }
    return new ClipTokenizer(vocabulary, merges, false);
  }

  public int vocabularySize() {
    return vocabulary.size();
  }

  /** The ids of {@code text} without start/end tokens, padding or truncation. */
  public int[] encode(String text) {
    String clean = clean(text, unescapeHtml);
    List<Integer> ids = new ArrayList<>();
    Matcher matcher = PIECES.matcher(clean);
    while (matcher.find()) {
      String piece = matcher.group();
      if (piece.equals(START) || piece.equals(END)) {
        ids.add(vocabulary.get(piece));
        continue;
      }
      for (int id : word(piece)) {
        ids.add(id);
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * {@code texts} as a [n, 77] batch: start, up to 75 ids, end, then 0s; {@code mask} gets 1 for
   * every real token and 0 for padding.
   */
  public long[] tokenize(List<String> texts, long[] mask) {
    long[] ids = new long[texts.size() * CONTEXT_LENGTH];
    for (int row = 0; row < texts.size(); row++) {
      int[] encoded = encode(texts.get(row));
      int length = Math.min(encoded.length, CONTEXT_LENGTH - 2);
      int offset = row * CONTEXT_LENGTH;
      ids[offset] = start;
      for (int i = 0; i < length; i++) {
        ids[offset + 1 + i] = encoded[i];
      }
      ids[offset + 1 + length] = end;
      Arrays.fill(mask, offset, offset + length + 2, 1L);
    }
    return ids;
  }

  static String clean(String text, boolean unescapeHtml) {
    String normalized = Normalizer.normalize(text, Normalizer.Form.NFC);
    if (unescapeHtml) {
      normalized = HtmlEntities.unescape(HtmlEntities.unescape(normalized));
    }
    StringBuilder out = new StringBuilder(normalized.length());
    boolean pendingSpace = false;
    for (int i = 0; i < normalized.length(); i++) {
      char c = normalized.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.append(c);
      }
    }
    return out.toString().toLowerCase(Locale.ROOT);
  }

  private int[] word(String piece) {
    int[] cached = cache.get(piece);
    if (cached != null) {
      return cached;
    }
    byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
    List<String> parts = new ArrayList<>(bytes.length);
    for (byte b : bytes) {
      parts.add(BYTE_CHARS[b & 0xff]);
    }
    parts.set(parts.size() - 1, parts.get(parts.size() - 1) + "</w>");
    while (parts.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i < parts.size() - 1; i++) {
        Integer rank = mergeRanks.get(pairKey(parts.get(i), parts.get(i + 1)));
        if (rank != null && rank < bestRank) {
          bestRank = rank;
          first = parts.get(i);
          second = parts.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> merged = new ArrayList<>(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        if (i < parts.size() - 1 && parts.get(i).equals(first) && parts.get(i + 1).equals(second)) {
          merged.add(first + second);
          i++;
        } else {
          merged.add(parts.get(i));
        }
      }
      parts = merged;
    }
    int[] ids = new int[parts.size()];
    for (int i = 0; i < ids.length; i++) {
      Integer id = vocabulary.get(parts.get(i));
      if (id == null) {
        throw new IllegalStateException("token '" + parts.get(i) + "' is not in the vocabulary");
      }
      ids[i] = id;
    }
    if (cache.size() < CACHE_LIMIT) {
      cache.put(piece, ids);
    }
    return ids;
  }

  private int special(String token) {
    Integer id = vocabulary.get(token);
    if (id == null) {
      throw new ConfigurationException(
          "the tokenizer has no " + token + " token; is this a CLIP tokenizer?");
    }
    return id;
  }

  private static String pairKey(String first, String second) {
    return first + ' ' + second;
  }

  /** The 256 byte values in GPT-2's order: printable Latin-1 first, then the rest. */
  private static int[] byteOrder() {
    int[] order = new int[256];
    int n = 0;
    boolean[] printable = new boolean[256];
    for (int b = 0; b < 256; b++) {
      printable[b] = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      if (printable[b]) {
        order[n++] = b;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (!printable[b]) {
        order[n++] = b;
      }
    }
    return order;
  }

  /**
   * GPT-2's reversible byte-to-character map, indexed by byte: printable bytes map to themselves,
   * the others to 256, 257, ... in order.
   */
  private static String[] byteChars() {
    String[] chars = new String[256];
    for (int i = 0; i < 256; i++) {
      int b = BYTE_ORDER[i];
      chars[b] = String.valueOf((char) (i < PRINTABLE_BYTES ? b : 256 + i - PRINTABLE_BYTES));
    }
    return chars;
  }
}
