package io.coreviz.spark.convert;

import static io.coreviz.spark.image.TestImages.encode;
import static io.coreviz.spark.image.TestImages.noise;
import static org.assertj.core.api.Assertions.assertThat;

import io.coreviz.spark.image.TestImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.image.ImageSchema$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;
import scala.Option;

/**
 * The {@code image} struct must be what Spark's own image source decodes from the same bytes
 * ({@code ImageSchema.decode}, Spark's code, is the reference) for every layout a decoder leaves:
 * those read in place and those read pixel by pixel.
 */
class SparkImageTest {

  @Test
  void everyLayoutGivesWhatSparksImageSourceDecodes() throws IOException {
    SplittableRandom random = new SplittableRandom(21);
    Map<String, byte[]> files = new LinkedHashMap<>();
    int[] types = {
      BufferedImage.TYPE_INT_RGB,
      BufferedImage.TYPE_INT_ARGB,
      BufferedImage.TYPE_4BYTE_ABGR,
      BufferedImage.TYPE_3BYTE_BGR,
      BufferedImage.TYPE_BYTE_GRAY,
      BufferedImage.TYPE_USHORT_GRAY,
      BufferedImage.TYPE_BYTE_INDEXED
    };
    for (int type : types) {
      BufferedImage image = noise(37, 23, type, random);
      files.put("png of type " + type, encode(image, "png"));
      if (type == BufferedImage.TYPE_INT_RGB
          || type == BufferedImage.TYPE_3BYTE_BGR
          || type == BufferedImage.TYPE_BYTE_GRAY) {
        files.put("bmp of type " + type, encode(image, "bmp"));
        files.put("jpeg of type " + type, encode(image, "jpg"));
      }
    }
    files.put("gif", encode(noise(40, 30, BufferedImage.TYPE_BYTE_INDEXED, random), "gif"));
    for (int colourType : new int[] {0, 2, 4, 6}) {
      byte[] samples = TestImages.samples(41, 29, TestImages.CHANNELS[colourType], random);
      files.put(
          "png colour type " + colourType, TestImages.png(41, 29, colourType, samples, 5, 2, 8, 0));
    }
    byte[] rgb = TestImages.png(41, 29, 2, TestImages.samples(41, 29, 3, random), 5, 1, 8, 0);
    files.put("png with a transparent colour", TestImages.withChunk(rgb, 33, "tRNS", new byte[6]));

    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      Option<Row> reference = ImageSchema$.MODULE$.decode("origin", file.getValue());
      assertThat(reference.isDefined()).as("Spark decodes the %s", file.getKey()).isTrue();
      Row expected = reference.get().getStruct(0); // a row holding the image struct
      InternalRow actual = SparkImage.decode("origin", file.getValue());
      assertThat(actual).as(file.getKey()).isNotNull();
      assertThat(actual.getUTF8String(0).toString()).isEqualTo(expected.getString(0));
      assertThat(new int[] {actual.getInt(1), actual.getInt(2), actual.getInt(3), actual.getInt(4)})
          .as("height, width, channels and mode of the %s", file.getKey())
          .containsExactly(
              expected.getInt(1), expected.getInt(2), expected.getInt(3), expected.getInt(4));
      assertThat(actual.getBinary(5))
          .as("pixels of the %s", file.getKey())
          .isEqualTo(expected.get(5));
    }
    assertThat(files).hasSize(7 + 3 * 2 + 1 + 4 + 1);
  }

  @Test
  void bytesNoDecoderReadsGiveNoImage() {
    byte[] text = "not an image".getBytes(StandardCharsets.US_ASCII);
    assertThat(ImageSchema$.MODULE$.decode("origin", text).isDefined()).isFalse();
    assertThat(SparkImage.decode("origin", text)).isNull();
  }
}
