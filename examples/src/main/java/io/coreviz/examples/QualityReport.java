package io.coreviz.examples;

import java.util.Map;

/**
 * What the quality job found. Maps are ordered for display (largest first).
 *
 * @param mediaCount images and videos (folders excluded)
 * @param tagCoverage per tag group, the share of media carrying at least one value of it
 * @param flagged per reason, the number of flagged media
 */
public record QualityReport(
    String collectionId,
    long mediaCount,
    long folderCount,
    Map<String, Long> byType,
    Map<String, Long> byStatus,
    Map<String, Long> byFolder,
    Map<String, Double> tagCoverage,
    Map<String, Long> labels,
    Map<String, Long> flagged) {}
