package io.coreviz.spark.client;

/**
 * The {@code pagination} object of a page: how many items the server says match, and where this
 * page is. {@code total} is what the server reports, which the API page does not promise to be
 * exact (services cap or estimate counts): readers never stop on it alone.
 *
 * @param hasMore the server's {@code hasMore}, or null when it sent none
 */
public record Pagination(long total, long limit, long offset, Boolean hasMore) {

  /** True when the server said in so many words that nothing follows this page. */
  public boolean saysNoMore() {
    return Boolean.FALSE.equals(hasMore);
  }

  /** True when the server said that more items follow this page. */
  public boolean saysMore() {
    return Boolean.TRUE.equals(hasMore);
  }
}
