package io.coreviz.spark.clip.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTML character references unescaped as Python's {@code html.unescape} does, which OpenAI's CLIP
 * tokenizer runs (twice) before tokenizing: numeric references, with the HTML5 replacements for
 * invalid ones; the 2,231 HTML5 named references (the table is Python's, see {@code
 * make_tiny_clip.py}), a name without its {@code ;} by the longest known prefix.
 */
final class HtmlEntities {

  private static final Pattern REFERENCE =
      Pattern.compile("&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\\t\\n\\f <&#;]{1,32};?)");

  /** Numeric references HTML5 maps to another character (Windows-1252 for 0x80–0x9F). */
  private static final Map<Integer, Integer> INVALID_NUMBERS =
      Map.ofEntries(
          Map.entry(0x00, 0xFFFD),
          Map.entry(0x0D, 0x0D),
          Map.entry(0x80, 0x20AC),
          Map.entry(0x81, 0x81),
          Map.entry(0x82, 0x201A),
          Map.entry(0x83, 0x0192),
          Map.entry(0x84, 0x201E),
          Map.entry(0x85, 0x2026),
          Map.entry(0x86, 0x2020),
          Map.entry(0x87, 0x2021),
          Map.entry(0x88, 0x02C6),
          Map.entry(0x89, 0x2030),
          Map.entry(0x8A, 0x0160),
          Map.entry(0x8B, 0x2039),
          Map.entry(0x8C, 0x0152),
          Map.entry(0x8D, 0x8D),
          Map.entry(0x8E, 0x017D),
          Map.entry(0x8F, 0x8F),
          Map.entry(0x90, 0x90),
          Map.entry(0x91, 0x2018),
          Map.entry(0x92, 0x2019),
          Map.entry(0x93, 0x201C),
          Map.entry(0x94, 0x201D),
          Map.entry(0x95, 0x2022),
          Map.entry(0x96, 0x2013),
          Map.entry(0x97, 0x2014),
          Map.entry(0x98, 0x02DC),
          Map.entry(0x99, 0x2122),
          Map.entry(0x9A, 0x0161),
          Map.entry(0x9B, 0x203A),
          Map.entry(0x9C, 0x0153),
          Map.entry(0x9D, 0x9D),
          Map.entry(0x9E, 0x017E),
          Map.entry(0x9F, 0x0178));

  private static volatile Map<String, String> names;

  private HtmlEntities() {}

  /** {@code text} with every character reference replaced, once. */
  static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    Matcher matcher = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(replace(matcher.group(1))));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String replace(String reference) {
    if (reference.charAt(0) == '#') {
      return number(reference);
    }
    Map<String, String> table = names();
    String whole = table.get(reference);
    if (whole != null) {
      return whole;
    }
    for (int end = reference.length() - 1; end > 1; end--) {
      String prefix = table.get(reference.substring(0, end));
      if (prefix != null) {
        return prefix + reference.substring(end);
      }
    }
    return "&" + reference;
  }

  private static String number(String reference) {
    boolean hex =
        reference.length() > 1 && (reference.charAt(1) == 'x' || reference.charAt(1) == 'X');
    String digits = reference.substring(hex ? 2 : 1);
    if (digits.endsWith(";")) {
      digits = digits.substring(0, digits.length() - 1);
    }
    String significant = digits.replaceFirst("^0+(?=.)", "");
    int code =
        significant.length() > 7 ? Integer.MAX_VALUE : Integer.parseInt(significant, hex ? 16 : 10);
    Integer replacement = INVALID_NUMBERS.get(code);
    if (replacement != null) {
      return Character.toString(replacement);
    }
    if ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      return "\uFFFD";
    }
    if (invalid(code)) {
      return "";
    }
    return Character.toString(code);
  }

  /** Code points HTML5 drops from a numeric reference: controls and non-characters. */
  private static boolean invalid(int code) {
    return (code >= 0x01 && code <= 0x08)
        || code == 0x0B
        || (code >= 0x0E && code <= 0x1F)
        || (code >= 0x7F && code <= 0x9F)
        || (code >= 0xFDD0 && code <= 0xFDEF)
        || (code & 0xFFFE) == 0xFFFE;
  }

  private static Map<String, String> names() {
    Map<String, String> table = names;
    if (table == null) {
      synchronized (HtmlEntities.class) {
        table = names;
        if (table == null) {
          table = load();
          names = table;
        }
      }
    }
    return table;
  }

  private static Map<String, String> load() {
    Map<String, String> table = new HashMap<>();
    try (InputStream in = HtmlEntities.class.getResourceAsStream("html5-entities.tsv");
        BufferedReader lines =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = lines.readLine()) != null; ) {
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        StringBuilder value = new StringBuilder();
        for (String code : line.substring(tab + 1).split(" ")) {
          value.appendCodePoint(Integer.parseInt(code, 16));
        }
        table.put(line.substring(0, tab), value.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the HTML entity table", e);
    }
    return Map.copyOf(table);
  }
}
