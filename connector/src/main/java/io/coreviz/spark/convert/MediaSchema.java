package io.coreviz.spark.convert;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The schema of a CoreViz table. Column names are the API's field names. */
public final class MediaSchema {

  /** The creation-time column, which planning and paging order by. */
  public static final String CREATED_AT = "createdAt";

  public static final StructType OBJECT =
      new StructType(
          new StructField[] {
            field("id", DataTypes.StringType, "Object id"),
            field("type", DataTypes.StringType, "Detector kind: object, face, shoeprint"),
            field("label", DataTypes.StringType, "Detected label, e.g. shoe"),
            field("blob", DataTypes.StringType, "URL of the object crop, or empty"),
          });

  public static final StructType FRAME =
      new StructType(
          new StructField[] {
            field("id", DataTypes.StringType, "Frame id"),
            field(
                "timestamp",
                DataTypes.StringType,
                "Position in the video in seconds, as text; 0 for images"),
            field("blob", DataTypes.StringType, "URL of the processed frame image"),
            field("width", DataTypes.IntegerType, "Frame width in pixels"),
            field("height", DataTypes.IntegerType, "Frame height in pixels"),
            field("objects", new ArrayType(OBJECT, true), "Objects detected in the frame"),
          });

  public static final StructType METADATA =
      new StructType(
          new StructField[] {
            field(
                "tags",
                DataTypes.createMapType(
                    DataTypes.StringType, new ArrayType(DataTypes.StringType, true), true),
                "Tag group to tag values"),
            field("description", DataTypes.StringType, "metadata.description"),
            field("prompt", DataTypes.StringType, "metadata.prompt, for generated images"),
            field("json", DataTypes.StringType, "The whole metadata object as JSON text"),
          });

  /**
   * The blob's bytes: a hidden column, as {@code _metadata} is for files, so {@code SELECT *} and a
   * query that does not name it download nothing.
   */
  public static final String CONTENT = "content";

  /** Why {@link #CONTENT} is null for a row that has a blob URL. */
  public static final String CONTENT_ERROR = "content_error";

  /** An image item's picture, decoded: Spark's image struct, as its {@code image} source has. */
  public static final String IMAGE = "image";

  /** Why {@link #IMAGE} is null for an image item. */
  public static final String IMAGE_ERROR = "image_error";

  /**
   * Spark's image struct ({@code org.apache.spark.ml.image.ImageSchema.columnSchema}): the origin
   * URL, the picture's size, its channels, its OpenCV type and its pixels (BGR or BGRA bytes, row
   * by row), so Spark ML and {@code display()} treat the column as images.
   */
  public static final StructType IMAGE_STRUCT =
      new StructType()
          .add("origin", DataTypes.StringType, true)
          .add("height", DataTypes.IntegerType, true)
          .add("width", DataTypes.IntegerType, true)
          .add("nChannels", DataTypes.IntegerType, true)
          .add("mode", DataTypes.IntegerType, true)
          .add("data", DataTypes.BinaryType, true);

  /**
   * The hidden columns a query can name: the blob's bytes, an image item's decoded picture, and why
   * either is missing.
   */
  public static final StructType CONTENT_COLUMNS =
      new StructType(
          new StructField[] {
            field(
                CONTENT,
                DataTypes.BinaryType,
                "The blob's bytes, downloaded only when a query names this column (hidden from"
                    + " SELECT *); null where content_error says why"),
            field(
                CONTENT_ERROR,
                DataTypes.StringType,
                "Why content is null: unavailable, too_large (over maxContentBytes) or"
                    + " size_mismatch (not sizeBytes long), with what happened"),
            field(
                IMAGE,
                IMAGE_STRUCT,
                "An image item's picture decoded as Spark's image struct, downloaded only when a"
                    + " query names this column (hidden from SELECT *); null for videos and"
                    + " folders, and where image_error says why"),
            field(
                IMAGE_ERROR,
                DataTypes.StringType,
                "Why image is null for an image item: content_error's reasons, undecodable or"
                    + " dimensions_mismatch (not width x height)"),
          });

  /** Whether {@code name} is one of {@link #CONTENT_COLUMNS}. */
  public static boolean isContent(String name) {
    return CONTENT_COLUMNS.getFieldIndex(name).isDefined();
  }

  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            field("id", DataTypes.StringType, "Item id (UUID without hyphens)"),
            field("name", DataTypes.StringType, "File or folder name"),
            field("type", DataTypes.StringType, "image, video or folder"),
            field("blob", DataTypes.StringType, "Public URL of the file; 'folder' for folders"),
            field("path", DataTypes.StringType, "ltree path, ending with the item's id"),
            field("datasetId", DataTypes.StringType, "Collection id"),
            field("width", DataTypes.IntegerType, "Width in pixels"),
            field("height", DataTypes.IntegerType, "Height in pixels"),
            field("duration", DataTypes.DoubleType, "Duration in seconds (videos)"),
            field("sizeBytes", DataTypes.LongType, "File size in bytes"),
            field(CREATED_AT, DataTypes.TimestampType, "Creation time (UTC instant)"),
            field("updatedAt", DataTypes.TimestampType, "Last update time (UTC instant)"),
            field("status", DataTypes.StringType, "Processing status, e.g. active"),
            field("metadata", METADATA, "Tags, description, prompt and the whole metadata as JSON"),
            field("totalVersions", DataTypes.IntegerType, "Version count (1 for originals)"),
            field("frameObjectId", DataTypes.StringType, "Id of the item's frame object"),
            field("folderItemCount", DataTypes.IntegerType, "Images and videos under a folder"),
            field(
                "folderPreviews",
                new ArrayType(DataTypes.StringType, true),
                "Up to 3 preview URLs of a folder"),
            field("frames", new ArrayType(FRAME, true), "Processed frames with detected objects"),
            field(
                "_score",
                DataTypes.DoubleType,
                "Relevance score in scored mode (q, similarToObjectId); else null"),
          });

  private MediaSchema() {}

  private static StructField field(String name, DataType type, String comment) {
    return new StructField(name, type, true, Metadata.empty()).withComment(comment);
  }
}
