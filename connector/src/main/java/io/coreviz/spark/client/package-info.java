/**
 * The CoreViz HTTP client: requests ({@link io.coreviz.spark.client.MediaRequest}), credentials,
 * the shared OkHttp client and the streaming page parser. No Spark imports here: items are turned
 * into whatever an {@link io.coreviz.spark.client.ItemReader} makes of them.
 */
package io.coreviz.spark.client;
