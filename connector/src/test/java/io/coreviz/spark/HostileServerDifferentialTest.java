package io.coreviz.spark;

import io.coreviz.emulator.CoreVizEmulator;
import io.coreviz.emulator.data.TestSeeds;
import java.time.ZoneOffset;

/**
 * The corpus against a server that reads the API page in every inconvenient way at once: days in
 * UTC+14 with an exclusive {@code dateTo}, {@code pagination.total} capped at 250, {@code mediaId}
 * ignoring other filters, reflexive subtrees, a locale collation, ties in a new order on every
 * request and numbers sent as strings. Results must still equal the model's.
 */
class HostileServerDifferentialTest extends DifferentialCorpus {

  @Override
  CoreVizEmulator.Builder readingOfTheApiPage() {
    return CoreVizEmulator.builder()
        .dayZone(ZoneOffset.ofHours(14))
        .exclusiveDateTo()
        .totalCap(250)
        .mediaIdIgnoresFilters()
        .reflexiveSubtree()
        .localeCollation()
        .unstableTies(TestSeeds.seed(3))
        .unstableScoreTies(TestSeeds.seed(3))
        .numbersAsStrings();
  }
}
