package io.coreviz.spark.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MediaRequestTest {

  private static final MediaRequest QUERY =
      MediaRequest.of("c0ffee00c0ffee00c0ffee00c0ffee00").with("sortBy", "createdAt");

  @Test
  void aPageCoversThePagesInsideItOfTheSameQuery() {
    MediaRequest page = QUERY.page(96, 14);

    assertThat(page.covers(QUERY.page(97, 13))).isTrue();
    assertThat(page.covers(QUERY.page(96, 14))).isTrue();
    assertThat(page.covers(QUERY.page(100, 5))).isTrue();
    assertThat(page.covers(QUERY.page(95, 14))).as("starts before it").isFalse();
    assertThat(page.covers(QUERY.page(97, 14))).as("ends after it").isFalse();
  }

  @Test
  void anotherQueryOrAPageWithoutLimitIsNotCovered() {
    MediaRequest page = QUERY.page(96, 14);

    assertThat(page.covers(QUERY.with("type", "image").page(97, 13))).isFalse();
    assertThat(page.covers(MediaRequest.of("0".repeat(32)).page(97, 13))).isFalse();
    assertThat(page.covers(QUERY.with("offset", 97))).as("no limit: the server's").isFalse();
    assertThat(QUERY.with("offset", 0).covers(QUERY.page(0, 1))).isFalse();
  }
}
