package io.coreviz.spark.errors;

/** HTTP 404: the collection does not exist. */
public final class NotFoundException extends ServiceException {

  private static final long serialVersionUID = 1L;

  public NotFoundException(String serverMessage, String request) {
    super(
        404,
        serverMessage,
        request,
        1,
        "Check the collectionId option (a UUID, hyphens optional) and the endpoint");
  }
}
