package io.coreviz.spark.clip.image;

/** Bytes that no image decoder reads; the scorer reports the message as the row's reason. */
public final class UndecodableImageException extends Exception {

  private static final long serialVersionUID = 1L;

  public UndecodableImageException(String message) {
    super(message);
  }
}
