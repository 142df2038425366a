# Databricks notebook source
# MAGIC %md
# MAGIC # Dataset-quality investigation with the DataFrame API
# MAGIC
# MAGIC The same investigation as the SQL notebook, in PySpark. Cluster setup: attach
# MAGIC `coreviz-spark-<line>_<scala>-<version>-all.jar` (README, Installing), set `spark.sql.catalog.coreviz` to
# MAGIC `io.coreviz.spark.catalog.CoreVizCatalog` and `spark.sql.extensions` to
# MAGIC `io.coreviz.spark.catalog.CoreVizExtensions`, and provide `COREVIZ_API_KEY`.
# MAGIC Every call here is mirrored by `NotebookTest.pythonNotebookCallsMirroredInJava` in the connector's tests.

# COMMAND ----------

from pyspark.sql import functions as F

try:
    collection_id = dbutils.widgets.get("collection_id")  # noqa: F821 (Databricks)
except NameError:
    collection_id = "00000000000000000000000000000000"

media = spark.table(f"coreviz.`{collection_id}`")  # noqa: F821 (notebook global)


def has_tag(group, value):
    """coreviz.has_tag(metadata.tags, group, value): pushed down as tagFilters."""
    return F.call_function("coreviz.has_tag", F.col("metadata.tags"), F.lit(group), F.lit(value))


def has_any_tag(group, *values):
    """coreviz.has_any_tag(metadata.tags, group, array(values)): pushed down as tagFilters."""
    return F.call_function(
        "coreviz.has_any_tag", F.col("metadata.tags"), F.lit(group), F.array(*[F.lit(v) for v in values])
    )

# COMMAND ----------

display(media.groupBy("type", "status").count().orderBy("type", "status"))  # noqa: F821

# COMMAND ----------

# Tags, type and date: one API query. The date goes out a day wider (the API's days may be in any
# zone) and Spark checks it exactly, so this count reads the matching items.
red_or_blue_summer_images = (
    media.filter(has_tag("color", "red") | has_tag("color", "blue"))
    .filter(has_any_tag("season", "summer"))
    .filter(F.col("type") == "image")
    .filter(F.col("createdAt") >= F.lit("2026-02-01 00:00:00").cast("timestamp"))
)
print(red_or_blue_summer_images.count())
red_or_blue_summer_images.explain()

# COMMAND ----------

labels = (
    media.select(F.explode("frames").alias("frame"))
    .select(F.explode("frame.objects").alias("obj"))
    .groupBy(F.col("obj.label").alias("label"))
    .count()
    .orderBy(F.desc("count"), "label")
)
display(labels)  # noqa: F821

# COMMAND ----------

red_shoes = (
    spark.read.format("coreviz")  # noqa: F821
    .option("collectionId", collection_id)
    .option("q", "red shoe")
    .option("minScore", "0.3")
    .load()
    .orderBy(F.desc("_score"))
    .limit(10)
    .select("name", "type", F.round("_score", 3).alias("score"))
)
display(red_shoes)  # noqa: F821

# COMMAND ----------

# MAGIC %md
# MAGIC ## Do images match their descriptions? (CLIP)
# MAGIC Needs `com.microsoft.onnxruntime:onnxruntime:1.29.0` (or `onnxruntime_gpu`) on the cluster
# MAGIC and a CLIP model directory in the Optimum or transformers.js layout (see docs/clip.md).
# MAGIC With the session extension, `clip_score`, `clip_label`, `clip_embed`, `clip_error`, ... exist
# MAGIC in every session and need only the model directory in `spark.coreviz.clip.modelPath` (the
# MAGIC cluster's Spark config, or set below): no JVM call, so this works over Spark Connect (Unity
# MAGIC Catalog standard access, serverless). The calls on one image in a SELECT run as one batched step.

# COMMAND ----------

try:
    clip_model = dbutils.widgets.get("clip_model")  # noqa: F821 (Databricks)
except NameError:
    clip_model = "/dbfs/models/clip-vit-base-patch32"

spark.conf.set("spark.coreviz.clip.modelPath", clip_model)  # noqa: F821
media.createOrReplaceTempView("media_for_clip")
clip_scores = spark.sql(  # noqa: F821
    """
    SELECT id, name, type,
           clip_score(image, text) AS score,
           clip_error(image) AS error
    FROM (SELECT id, name, type,
                 CASE WHEN type = 'video' THEN transform(frames, f -> f.blob) ELSE array(blob) END AS image,
                 coalesce(metadata.description, metadata.prompt) AS text
          FROM media_for_clip
          WHERE type IN ('image', 'video'))
    WHERE text IS NOT NULL
    """
)
display(clip_scores.orderBy("score"))  # noqa: F821
print(clip_scores.filter("error IS NOT NULL").count(), "items without a score")

# COMMAND ----------

# MAGIC %md
# MAGIC ## A few of the images themselves
# MAGIC `image` (Spark's image struct, which `display()` shows as pictures) and `content` (the blob's
# MAGIC bytes) are hidden columns, as `_metadata` is for files: a query that names them downloads
# MAGIC the blobs, `SELECT *` downloads nothing. `image_error` says why an image is null.

# COMMAND ----------

pictures = media.filter(F.col("type") == "image").limit(6).select("name", "image", "image_error")
display(pictures)  # noqa: F821
