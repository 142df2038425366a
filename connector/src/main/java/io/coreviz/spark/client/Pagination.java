package io.coreviz.spark.client;

/** The {@code pagination} object of a page: how many items match in all, and where this page is. */
public record Pagination(long total, long limit, long offset, boolean hasMore) {}
