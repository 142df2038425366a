package io.coreviz.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A video's container structure tells a whole file from a cut one (no decoder needed). */
class VideoDefectTest {

  /** A box: its 32-bit size, its type, its payload. */
  private static byte[] box(String type, int payload) {
    return ByteBuffer.allocate(8 + payload)
        .putInt(8 + payload)
        .put(type.getBytes(StandardCharsets.US_ASCII))
        .array();
  }

  /** A box with a 64-bit size (its 32-bit size field is 1). */
  private static byte[] largeBox(String type, int payload) {
    return ByteBuffer.allocate(16 + payload)
        .putInt(1)
        .put(type.getBytes(StandardCharsets.US_ASCII))
        .putLong(16 + payload)
        .array();
  }

  private static byte[] concat(byte[]... parts) {
    ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum());
    Arrays.stream(parts).forEach(all::put);
    return all.array();
  }

  private static final byte[] MP4 =
      concat(box("ftyp", 16), box("moov", 300), largeBox("mdat", 5_000), box("free", 20));

  @Test
  void wholeFilesPass() {
    assertThat(BlobChecks.videoDefect(MP4)).isNull();
    // A last box of size 0 runs to the end of the file.
    byte[] open = concat(box("ftyp", 16), new byte[] {0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3});
    assertThat(BlobChecks.videoDefect(open)).isNull();
    byte[] webm = {0x1A, 0x45, (byte) 0xDF, (byte) 0xA3, 1, 2, 3};
    assertThat(BlobChecks.videoDefect(webm)).isNull();
  }

  @Test
  void aFileCutAnywhereIsTruncated() {
    // Every cut after the ftyp box's type: inside a header, inside a payload, inside the 64-bit
    // size; except at the end of a box, where what is left is a whole file of fewer boxes.
    int[] ends = {24, 332, 5_348, MP4.length};
    for (int length = 8; length < MP4.length; length++) {
      int cut = length;
      String defect = BlobChecks.videoDefect(Arrays.copyOf(MP4, cut));
      if (Arrays.stream(ends).anyMatch(end -> end == cut)) {
        assertThat(defect).as("cut at a box's end, %d bytes", cut).isNull();
      } else {
        assertThat(defect).as("cut at %d bytes", cut).startsWith("truncated");
      }
    }
  }

  @Test
  void otherBytesAreNotAVideo() {
    byte[] html = "<html><body>Not found</body></html>".getBytes(StandardCharsets.US_ASCII);
    assertThat(BlobChecks.videoDefect(html)).contains("not a video container");
    assertThat(BlobChecks.videoDefect(new byte[3])).contains("not a video container");
    byte[] impossible = concat(box("ftyp", 16), new byte[] {0, 0, 0, 4, 'm', 'o', 'o', 'v'});
    assertThat(BlobChecks.videoDefect(impossible)).contains("impossible size, 4");
  }
}
