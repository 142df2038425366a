/**
 * The endpoint's semantics, independent of HTTP: parsing and validating query parameters ({@link
 * io.coreviz.emulator.api.MediaQuery}), selecting, scoring, sorting and paging items ({@link
 * io.coreviz.emulator.api.MediaSearch}) and writing the response JSON ({@link
 * io.coreviz.emulator.api.MediaJson}).
 */
package io.coreviz.emulator.api;
