package io.coreviz.emulator;

import io.coreviz.emulator.FaultInjector.Reply;
import io.coreviz.emulator.data.DirectoryCollection;
import io.coreviz.emulator.data.SyntheticCollection;
import io.coreviz.emulator.model.MediaCollection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.LongFunction;

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
        --overstated-total N     report N more than match as pagination.total (an estimate);
                                 hasMore follows that total
        --media-id-ignores-filters   mediaId returns the item whatever the other filters say
        --reflexive-subtree      a recursive listing of path includes the folder at path
        --locale-collation       sort strings case- and accent-insensitively
        --unstable-ties SEED     order equal sort keys and equal scores anew on every request
        --numbers-as-strings     send BIGINT/NUMERIC values as JSON strings (node-postgres)
        --normalized-scores      divide each result set's _score by its highest
      Network faults on media requests, drawn from --fault-seed (default 1):
        --latency MS             answer each media request MS milliseconds late (a remote service)
        --drop-connections P     drop a share P (0-1) of connections before the answer
        --cut-bodies P           cut a share P of answers halfway through the body
        --stall-bodies P:MS      stall a share P of answers halfway for MS milliseconds
        --restart-every N:MS     on every N-th media request, stop listening for MS milliseconds
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
      case "--normalized-scores" -> builder.normalizedScores();
      default -> {
        return false;
      }
    }
    return true;
  }

  private static double share(String value) {
    double share = Double.parseDouble(value);
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("a share must be between 0 and 1: " + value);
    }
    return share;
  }

  private static String[] pair(String flag, String value) {
    String[] parts = value.split(":", 2);
    if (parts.length != 2) {
      throw new IllegalArgumentException(flag + " takes two values joined by ':', got " + value);
    }
    return parts;
  }

  public static void main(String[] args) throws InterruptedException {
    CoreVizEmulator server;
    try {
      server = start(args);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      System.err.println("coreviz-emulator: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    if (server == null) {
      System.out.print(USAGE);
      return;
    }
    System.out.println("CoreViz emulator listening on " + server.baseUrl());
    for (String id : server.collectionIds()) {
      System.out.printf("  collection %s: %d items%n", id, server.collection(id).items().size());
      System.out.printf(
          "  curl -H 'x-api-key: any' '%s/api/dataset/%s/media?limit=5'%n", server.baseUrl(), id);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }

  /**
   * The server the command line {@code args} describe, started; null for {@code --help}.
   *
   * @throws IllegalArgumentException for an unknown option or a bad value
   */
  static CoreVizEmulator start(String[] args) {
    CoreVizEmulator.Builder builder = CoreVizEmulator.builder().port(8787);
    long seed = 42;
    int items = 1000;
    Integer folders = null;
    List<Path> dirs = new ArrayList<>();
    long faultSeed = 1;
    List<LongFunction<FaultInjector>> faults = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        return null;
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
        case "--overstated-total" -> builder.overstatedTotal(Integer.parseInt(value));
        case "--fault-seed" -> faultSeed = Long.parseLong(value);
        case "--latency" -> {
          Duration delay = Duration.ofMillis(Long.parseLong(value));
          faults.add(s -> FaultInjector.latency(delay));
        }
        case "--drop-connections" ->
            faults.add(s -> FaultInjector.randomly(share(value), s, Reply.disconnect()));
        case "--cut-bodies" ->
            faults.add(s -> FaultInjector.randomly(share(value), s, Reply.cutHalfway()));
        case "--stall-bodies" -> {
          String[] parts = pair(flag, value);
          Reply stall = Reply.stallHalfway(Duration.ofMillis(Long.parseLong(parts[1])));
          faults.add(s -> FaultInjector.randomly(share(parts[0]), s, stall));
        }
        case "--restart-every" -> {
          String[] parts = pair(flag, value);
          Reply restart = Reply.restart(Duration.ofMillis(Long.parseLong(parts[1])));
          faults.add(s -> FaultInjector.everyNth(Integer.parseInt(parts[0]), restart));
        }
        case "--unstable-ties" ->
            builder.unstableTies(Long.parseLong(value)).unstableScoreTies(Long.parseLong(value));
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
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
    FaultInjector injected = FaultInjector.NONE;
    for (int i = 0; i < faults.size(); i++) {
      injected = injected.andThen(faults.get(i).apply(faultSeed + i));
    }
    server.faults(injected);
    return server;
  }
}
