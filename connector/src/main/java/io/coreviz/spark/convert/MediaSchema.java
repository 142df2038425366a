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
