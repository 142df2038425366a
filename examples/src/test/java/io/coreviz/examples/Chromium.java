package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Renders an HTML page in headless Chromium (Debian's {@code chromium} package; {@code .ci/run}
 * installs it) and reports what the browser drew. Without Chromium the calling test is skipped,
 * except where {@code COREVIZ_REQUIRE_CHROMIUM=1} (set by {@code .ci/run}) makes that a failure.
 */
final class Chromium {

  /**
   * Counts the browser reports once the page has loaded: thumbnails, those decoded, lines, bars.
   */
  record Drawn(int thumbnails, int decoded, int lines, int bars) {}

  private static final String PROBE =
      """
      <script>
      window.addEventListener('load', () => {
        const thumbs = [...document.querySelectorAll('img.thumb')];
        const decoded = thumbs.filter(i => i.complete && i.naturalWidth > 0).length;
        const lines = [...document.querySelectorAll('svg.trend polyline')]
          .filter(p => p.getBBox().width > 0 || p.getAttribute('points').trim().split(' ').length === 1)
          .length;
        const bars = [...document.querySelectorAll('svg rect')].filter(r => r.getBBox().width > 0).length;
        document.body.setAttribute('data-drawn',
          JSON.stringify({thumbnails: thumbs.length, decoded, lines, bars}));
      });
      </script>
      """;

  private Chromium() {}

  private static String binary() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }

  /**
   * What Chromium drew of {@code page} (a copy with a probe script added; the page itself has no
   * scripts), and a screenshot beside it for people to look at.
   */
  static Drawn render(Path page) throws IOException, InterruptedException {
    String chromium = binary();
    if (chromium == null) {
      assertThat(System.getenv("COREVIZ_REQUIRE_CHROMIUM"))
          .as("Chromium is required here (COREVIZ_REQUIRE_CHROMIUM) but not on PATH")
          .isNotEqualTo("1");
      Assumptions.abort("headless Chromium is not installed (Debian package chromium)");
    }
    Path probed = page.resolveSibling("rendered-" + page.getFileName());
    String html = Files.readString(page, StandardCharsets.UTF_8);
    Files.writeString(probed, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
    List<String> flags =
        List.of("--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000");
    String dom = run(chromium, flags, "--dump-dom", probed.toUri().toString());
    run(
        chromium,
        flags,
        "--screenshot=" + page.resolveSibling("report.png"),
        "--window-size=1200,2400",
        page.toUri().toString());
    Matcher drawn = Pattern.compile("data-drawn=\"([^\"]*)\"").matcher(dom);
    assertThat(drawn.find()).as("the probe ran in Chromium").isTrue();
    JsonNode counts = new ObjectMapper().readTree(drawn.group(1).replace("&quot;", "\""));
    return new Drawn(
        counts.get("thumbnails").asInt(),
        counts.get("decoded").asInt(),
        counts.get("lines").asInt(),
        counts.get("bars").asInt());
  }

  private static String run(String chromium, List<String> flags, String... args)
      throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>();
    command.add(chromium);
    command.addAll(flags);
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("Chromium did not finish in 120 s");
    }
    return new String(out, StandardCharsets.UTF_8);
  }
}
