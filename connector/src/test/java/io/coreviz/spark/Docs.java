package io.coreviz.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The project's user documentation (README.md and docs/), for tests that hold it to the code. */
public final class Docs {

  private Docs() {}

  /** The repository's root: the folder above the test's working folder with README.md. */
  public static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.exists(dir.resolve("README.md")) || !Files.isDirectory(dir.resolve("docs"))) {
      dir = dir.getParent();
      if (dir == null) {
        throw new IllegalStateException(
            "no README.md with docs/ above " + Path.of("").toAbsolutePath());
      }
    }
    return dir;
  }

  /** The text of a page, e.g. {@code docs/reading.md}. */
  public static String read(String page) {
    try {
      return Files.readString(root().resolve(page));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
