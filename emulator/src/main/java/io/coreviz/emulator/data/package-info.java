/**
 * Where collections come from: a seeded synthetic generator ({@link
 * io.coreviz.emulator.data.SyntheticCollection}) and a directory of real images with JSON sidecars
 * ({@link io.coreviz.emulator.data.DirectoryCollection}); plus the renderer that makes the image
 * bytes synthetic blob URLs serve.
 */
package io.coreviz.emulator.data;
