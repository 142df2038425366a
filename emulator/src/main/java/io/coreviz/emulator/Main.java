package io.coreviz.emulator;

import io.coreviz.emulator.data.DirectoryCollection;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the emulator from the command line until it is stopped.
 *
 * <pre>
 * java -jar coreviz-emulator.jar [--port 8787] [--host 127.0.0.1] [--max-limit 1000]
 *     [--api-key KEY]... [--seed 42 --items 1000 [--folders 12]] [--dir PATH]...
 * </pre>
 */
public final class Main {

  private static final String USAGE =
      """
      usage: coreviz-emulator [options]
        --port N         port to listen on (default 8787; 0 picks a free one)
        --host H         interface to bind (default 127.0.0.1)
        --api-key K      accept K as x-api-key or Bearer token (repeatable; default: any)
        --seed S         seed of the synthetic collection (default 42)
        --items N        images and videos in the synthetic collection (default 1000)
        --folders N      folders in the synthetic collection (default items/25, at most 14)
        --dir PATH       serve a directory of images with JSON sidecars (repeatable;
                         replaces the synthetic collection)
        --max-limit N    largest page size honoured (default 1000)
      Readings of the API page another CoreViz-compatible service may have:
        --day-zone Z             dateFrom/dateTo compare days in zone Z, e.g. -08:00 (default Z)
        --exclusive-date-to      dateTo excludes its own day
        --total-cap N            report at most N as pagination.total (hasMore stays true)
        --media-id-ignores-filters   mediaId returns the item whatever the other filters say
        --reflexive-subtree      a recursive listing of path includes the folder at path
        --locale-collation       sort strings case- and accent-insensitively
        --unstable-ties SEED     order equal sort keys and equal scores anew on every request
        --numbers-as-strings     send BIGINT/NUMERIC values as JSON strings (node-postgres)
      """;

  private Main() {}

  /** Applies a flag without a value; false when {@code flag} is not one. */
  private static boolean switchFlag(CoreVizEmulator.Builder builder, String flag) {
    switch (flag) {
      case "--exclusive-date-to" -> builder.exclusiveDateTo();
      case "--media-id-ignores-filters" -> builder.mediaIdIgnoresFilters();
      case "--reflexive-subtree" -> builder.reflexiveSubtree();
      case "--locale-collation" -> builder.localeCollation();
      case "--numbers-as-strings" -> builder.numbersAsStrings();
      default -> {
        return false;
      }
    }
    return true;
  }

  public static void main(String[] args) throws InterruptedException {
    CoreVizEmulator.Builder builder = CoreVizEmulator.builder().port(8787);
    long seed = 42;
    int items = 1000;
    Integer folders = null;
    List<Path> dirs = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          System.out.print(USAGE);
          return;
        }
        if (switchFlag(builder, flag)) {
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--port" -> builder.port(Integer.parseInt(value));
          case "--host" -> builder.host(value);
          case "--api-key" -> builder.credential(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--items" -> items = Integer.parseInt(value);
          case "--folders" -> folders = Integer.parseInt(value);
          case "--dir" -> dirs.add(Path.of(value));
          case "--max-limit" -> builder.maxLimit(Integer.parseInt(value));
          case "--day-zone" -> builder.dayZone(ZoneOffset.of(value));
          case "--total-cap" -> builder.totalCap(Integer.parseInt(value));
          case "--unstable-ties" ->
              builder.unstableTies(Long.parseLong(value)).unstableScoreTies(Long.parseLong(value));
          default -> throw new IllegalArgumentException("unknown option " + flag);
        }
      }
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      System.err.println("coreviz-emulator: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    List<MediaCollection> collections = new ArrayList<>();
    if (dirs.isEmpty()) {
      collections.add(
          folders == null
              ? SyntheticCollection.generate(seed, items)
              : SyntheticCollection.generate(seed, items, folders));
    } else {
      dirs.forEach(dir -> collections.add(DirectoryCollection.load(dir)));
    }
    collections.forEach(builder::collection);
    CoreVizEmulator server = builder.start();
    System.out.println("CoreViz emulator listening on " + server.baseUrl());
    for (MediaCollection collection : collections) {
      System.out.printf("  collection %s: %d items%n", collection.id(), collection.items().size());
      System.out.printf(
          "  curl -H 'x-api-key: any' '%s/api/dataset/%s/media?limit=5'%n",
          server.baseUrl(), collection.id());
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }
}
