package io.coreviz.emulator.model;

import java.util.function.Supplier;

/** The bytes behind one blob URL, produced on demand so large collections stay small in memory. */
public record Blob(String contentType, Supplier<byte[]> bytes) {}
