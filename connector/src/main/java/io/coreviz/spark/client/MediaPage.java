package io.coreviz.spark.client;

import java.util.List;

/**
 * One page of a media listing: the items as an {@link ItemReader} made them, and the pagination.
 */
public record MediaPage<T>(List<T> items, Pagination pagination) {

  public MediaPage {
    items = List.copyOf(items);
  }
}
