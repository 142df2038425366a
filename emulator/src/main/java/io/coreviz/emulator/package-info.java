/**
 * A CoreViz-compatible local HTTP server ({@link io.coreviz.emulator.CoreVizEmulator}): the whole
 * {@code GET /api/dataset/{collectionId}/media} endpoint, authentication, blob URLs serving real
 * image bytes, a request log for tests and hooks to inject latency and errors ({@link
 * io.coreviz.emulator.FaultInjector}). {@link io.coreviz.emulator.Main} runs it from the command
 * line.
 */
package io.coreviz.emulator;
