package io.coreviz.examples;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** A self-contained HTML page (inline CSS and SVG, no scripts or external files). */
final class HtmlReport {

  private static final int BAR_WIDTH = 360;

  /** Flagged items shown per reason; the Parquet output has them all. */
  static final int PER_REASON = 25;

  private HtmlReport() {}

  /**
   * What changed: every run so far (oldest first, this one last), the flags this run raised for the
   * first time and those it resolved (samples).
   */
  record Changes(List<RunRow> runs, List<Row> newFlags, List<Row> resolved) {}

  /**
   * The duplicate sets a run found among its items and earlier ones, and a thumbnail (a data URI)
   * per member.
   */
  record Duplicates(
      List<java.util.Set<String>> exact,
      List<java.util.Set<String>> near,
      Map<String, String> thumbnails) {}

  static String render(
      QualityReport report,
      List<Row> flaggedSample,
      String source,
      Changes changes,
      Duplicates duplicates) {
    StringBuilder html = new StringBuilder();
    html.append(
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>CoreViz dataset quality</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1100px}
        h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
        .cards{display:flex;gap:1rem;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:8px;padding:.8rem 1.2rem}
        .card b{display:block;font-size:1.6rem} .bad b{color:#b3261e}
        .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:1.5rem}
        table{border-collapse:collapse;font-size:.9rem} td,th{border-bottom:1px solid #eee;padding:.25rem .6rem;text-align:left}
        svg text{font-size:12px;fill:#222}
        img.thumb{max-width:96px;max-height:96px;border-radius:4px;vertical-align:middle}
        .dupset{display:flex;gap:.6rem;margin:.4rem 0;padding:.4rem;border:1px solid #eee;border-radius:6px}
        .dupset figure{margin:0;text-align:center} figcaption{font-size:.75rem;color:#666}
        </style></head><body>
        """);
    html.append("<h1>Dataset quality</h1><p class=\"sub\">Collection <code>")
        .append(escape(report.collectionId()))
        .append("</code> on ")
        .append(escape(source))
        .append(" &middot; ")
        .append(Instant.now())
        .append("</p>\n<div class=\"cards\">");
    card(html, "media items", report.mediaCount(), false);
    card(html, "folders", report.folderCount(), false);
    report.flagged().forEach((reason, n) -> card(html, reason.replace('_', ' '), n, n > 0));
    html.append("</div>\n");
    changes(html, changes);
    duplicates(html, duplicates);
    html.append("<div class=\"charts\">\n");
    chart(html, "Items by type", report.byType());
    chart(html, "Items by status", report.byStatus());
    chart(html, "Items by top-level folder", report.byFolder());
    chart(html, "Detected object labels", report.labels());
    Map<String, Long> coverage = new java.util.LinkedHashMap<>();
    report.tagCoverage().forEach((group, share) -> coverage.put(group, Math.round(share * 100)));
    chart(html, "Tag coverage per group (% of media)", coverage);
    html.append("</div>\n<h2>Flagged items (up to ")
        .append(PER_REASON)
        .append(" per reason; all are in flagged.parquet)</h2>\n")
        .append(
            "<table><tr><th>reason</th><th>type</th><th>name</th><th>id</th><th>picture</th></tr>\n");
    rows(html, flaggedSample);
    return html.append("</table>\n</body></html>\n").toString();
  }

  /** Flag rows (reason, type, name, id, and a thumbnail data URI or null), one table row each. */
  private static void rows(StringBuilder html, List<Row> flaggedSample) {
    for (Row row : flaggedSample) {
      html.append("<tr><td>")
          .append(escape(row.getAs("reason")))
          .append("</td><td>")
          .append(escape(row.getAs("type")))
          .append("</td><td>")
          .append(escape(row.getAs("name")))
          .append("</td><td><code>")
          .append(escape(row.getAs("id")))
          .append("</code></td><td>");
      thumbnail(html, row.getAs("thumbnail"), row.getAs("name"));
      html.append("</td></tr>\n");
    }
  }

  private static void thumbnail(StringBuilder html, String dataUri, String name) {
    if (dataUri == null || !dataUri.startsWith("data:image/jpeg;base64,")) {
      return;
    }
    html.append("<img class=\"thumb\" alt=\"")
        .append(escape(name))
        .append("\" src=\"")
        .append(dataUri)
        .append("\">");
  }

  /** Each duplicate set as a row of its pictures, side by side. */
  private static void duplicates(StringBuilder html, Duplicates duplicates) {
    if (duplicates.exact().isEmpty() && duplicates.near().isEmpty()) {
      return;
    }
    html.append("<h2>Duplicate sets</h2>\n");
    duplicateSets(html, "Exact copies (the same bytes)", "exact", duplicates.exact(), duplicates);
    duplicateSets(
        html,
        "Near copies (the same picture re-encoded, resized or cropped; with CLIP, close in meaning)",
        "near",
        duplicates.near(),
        duplicates);
  }

  private static void duplicateSets(
      StringBuilder html,
      String title,
      String kind,
      List<java.util.Set<String>> sets,
      Duplicates duplicates) {
    if (sets.isEmpty()) {
      return;
    }
    html.append("<h3>")
        .append(escape(title))
        .append(" &middot; ")
        .append(sets.size())
        .append(" sets</h3>\n");
    int shown = 0;
    for (java.util.Set<String> set : sets) {
      if (shown++ == PER_REASON) {
        break;
      }
      html.append("<div class=\"dupset ").append(kind).append("\">");
      for (String id : set) {
        html.append("<figure>");
        thumbnail(html, duplicates.thumbnails().get(id), id);
        html.append("<figcaption><code>")
            .append(escape(id.substring(0, Math.min(8, id.length()))))
            .append("</code></figcaption></figure>");
      }
      html.append("</div>\n");
    }
  }

  /** Since the previous run, and the trends over every run. */
  private static void changes(StringBuilder html, Changes changes) {
    List<RunRow> runs = changes.runs();
    RunRow run = runs.get(runs.size() - 1);
    html.append("<h2>Since the previous run</h2>\n");
    if (runs.size() == 1) {
      html.append("<p class=\"sub\">The first run: every item is new.</p>\n");
    }
    html.append("<div class=\"cards\">");
    card(html, "new items (" + run.mode() + " run)", run.newItems(), false);
    card(html, "items checked", run.checked(), false);
    card(html, "new flags", run.newFlags(), run.newFlags() > 0);
    card(html, "flags resolved", run.resolvedFlags(), false);
    html.append("</div>\n");
    if (!changes.newFlags().isEmpty()) {
      html.append("<h3>New flags</h3>\n<table class=\"new-flags\"><tr><th>reason</th>")
          .append("<th>type</th><th>name</th><th>id</th><th>picture</th></tr>\n");
      rows(html, changes.newFlags());
      html.append("</table>\n");
    }
    if (!changes.resolved().isEmpty()) {
      html.append("<h3>Resolved flags</h3>\n<table class=\"resolved-flags\"><tr><th>reason</th>")
          .append("<th>type</th><th>name</th><th>id</th><th>picture</th></tr>\n");
      rows(html, changes.resolved());
      html.append("</table>\n");
    }
    html.append("<h2>Trends over ").append(runs.size()).append(" runs</h2>\n");
    html.append("<div class=\"charts\">\n");
    trend(html, "Items", runs.stream().map(r -> (double) r.items()).toList(), runs);
    trend(html, "New items", runs.stream().map(r -> (double) r.newItems()).toList(), runs);
    java.util.Set<String> reasons = new java.util.TreeSet<>();
    runs.forEach(r -> reasons.addAll(r.openFlags().keySet()));
    for (String reason : reasons) {
      trend(
          html,
          "Open flags: " + reason.replace('_', ' '),
          runs.stream().map(r -> (double) r.openFlags().getOrDefault(reason, 0L)).toList(),
          runs);
    }
    html.append("</div>\n");
  }

  /** A line over the runs as inline SVG: one point per run, labelled with its value. */
  private static void trend(
      StringBuilder html, String title, List<Double> values, List<RunRow> runs) {
    int width = 480;
    int height = 140;
    int left = 50;
    int top = 15;
    int plotWidth = width - left - 20;
    int plotHeight = height - top - 35;
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
    max = max <= 0 ? 1 : max;
    html.append("<section><h3>")
        .append(escape(title))
        .append(
            String.format(
                java.util.Locale.ROOT,
                "</h3><svg class=\"trend\" role=\"img\" data-points=\"%d\" width=\"%d\""
                    + " height=\"%d\"><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
                    + " stroke=\"#999\"/>",
                values.size(),
                width,
                height,
                left,
                top + plotHeight,
                left + plotWidth,
                top + plotHeight));
    StringBuilder points = new StringBuilder();
    StringBuilder marks = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      double x =
          left
              + (values.size() == 1
                  ? plotWidth / 2.0
                  : (double) i * plotWidth / (values.size() - 1));
      double y = top + plotHeight - values.get(i) / max * plotHeight;
      points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
      marks.append(
          String.format(
              java.util.Locale.ROOT,
              "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#e15759\"/>"
                  + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
              x,
              y,
              x,
              y - 7,
              Math.round(values.get(i)),
              x,
              height - 8,
              escape(runs.get(i).startedAt().toString().substring(5, 16))));
    }
    html.append("<polyline fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\" points=\"")
        .append(points.toString().trim())
        .append("\"/>")
        .append(marks)
        .append("</svg></section>\n");
  }

  private static void card(StringBuilder html, String label, long value, boolean bad) {
    html.append("<div class=\"card")
        .append(bad ? " bad" : "")
        .append("\"><b>")
        .append(value)
        .append("</b>")
        .append(escape(label))
        .append("</div>");
  }

  /** A horizontal bar chart as inline SVG. */
  private static void chart(StringBuilder html, String title, Map<String, Long> values) {
    long max = values.values().stream().mapToLong(Long::longValue).max().orElse(1);
    int rowHeight = 20;
    int height = Math.max(1, values.size()) * rowHeight + 10;
    html.append("<section><h3>")
        .append(escape(title))
        .append("</h3>")
        .append("<svg role=\"img\" width=\"")
        .append(160 + BAR_WIDTH + 60)
        .append("\" height=\"")
        .append(height)
        .append("\">");
    int y = 5;
    for (Map.Entry<String, Long> entry : values.entrySet()) {
      long width = max == 0 ? 0 : Math.round((double) entry.getValue() / max * BAR_WIDTH);
      html.append("<text x=\"155\" y=\"")
          .append(y + 14)
          .append("\" text-anchor=\"end\">")
          .append(escape(shorten(entry.getKey())))
          .append("</text>")
          .append("<rect x=\"160\" y=\"")
          .append(y + 2)
          .append("\" width=\"")
          .append(width)
          .append("\" height=\"")
          .append(rowHeight - 5)
          .append("\" fill=\"#4e79a7\"/>")
          .append("<text x=\"")
          .append(165 + width)
          .append("\" y=\"")
          .append(y + 14)
          .append("\">")
          .append(entry.getValue())
          .append("</text>");
      y += rowHeight;
    }
    html.append("</svg></section>\n");
  }

  private static String shorten(String text) {
    return text.length() > 24 ? text.substring(0, 23) + "…" : text;
  }

  static String escape(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
