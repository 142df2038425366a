-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Dataset-quality investigation with the `coreviz` catalog
-- MAGIC
-- MAGIC Cluster setup (once): attach `coreviz-spark-<line>_<scala>-<version>-all.jar` (README, Installing) and set
-- MAGIC
-- MAGIC ```
-- MAGIC spark.sql.catalog.coreviz   io.coreviz.spark.catalog.CoreVizCatalog
-- MAGIC spark.sql.extensions        io.coreviz.spark.catalog.CoreVizExtensions
-- MAGIC spark.sql.catalog.coreviz.collections  <your collection id>
-- MAGIC ```
-- MAGIC
-- MAGIC and the environment variable `COREVIZ_API_KEY` (from a secret scope). Then set the
-- MAGIC collection id below. Every filter on `type`, `createdAt`, tags and folders in this
-- MAGIC notebook is answered by the CoreViz API, not by scanning the collection.

-- COMMAND ----------

-- The collection to investigate, and the CoreViz endpoint for the scored-search view.
SET collection_id = 00000000000000000000000000000000

-- COMMAND ----------

SET coreviz_endpoint = https://lab.coreviz.io

-- COMMAND ----------

SHOW TABLES IN coreviz

-- COMMAND ----------

DESCRIBE TABLE coreviz.`${collection_id}`

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## What is in the collection

-- COMMAND ----------

SELECT type, status, count(*) AS items
FROM coreviz.`${collection_id}`
GROUP BY type, status
ORDER BY type, status

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Pushed-down filters
-- MAGIC Tag, type and date predicates become one API query (`tagFilters`, `type`, `dateFrom`);
-- MAGIC a `count(*)` over tag and type predicates reads `pagination.total` and checks it (two
-- MAGIC requests). A date predicate is sent a day wider (the API's days may be in any zone) and
-- MAGIC checked exactly by Spark.

-- COMMAND ----------

SELECT count(*) AS red_summer_images
FROM coreviz.`${collection_id}`
WHERE coreviz.has_tag(metadata.tags, 'color', 'red')
  AND coreviz.has_tag(metadata.tags, 'season', 'summer')
  AND type = 'image'

-- COMMAND ----------

EXPLAIN
SELECT id, name
FROM coreviz.`${collection_id}`
WHERE coreviz.has_any_tag(metadata.tags, 'camera', array('dslr', 'drone'))
  AND type = 'video'
  AND createdAt >= TIMESTAMP '2026-02-01 00:00:00'

-- COMMAND ----------

SELECT date_trunc('week', createdAt) AS week, count(*) AS uploads
FROM coreviz.`${collection_id}`
WHERE createdAt >= TIMESTAMP '2026-02-01 00:00:00'
  AND createdAt < TIMESTAMP '2026-03-01 00:00:00'
GROUP BY 1
ORDER BY 1

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Frames and detected objects

-- COMMAND ----------

SELECT obj.label, count(*) AS detections
FROM coreviz.`${collection_id}`
LATERAL VIEW explode(frames) f AS frame
LATERAL VIEW explode(frame.objects) o AS obj
GROUP BY obj.label
ORDER BY detections DESC, obj.label

-- COMMAND ----------

SELECT
  count_if(type = 'image' AND coalesce(aggregate(frames, 0, (n, f) -> n + coalesce(size(f.objects), 0)), 0) = 0)
    AS images_without_objects,
  count_if(type = 'video' AND coalesce(size(frames), 0) = 0) AS videos_without_frames,
  count_if(type <> 'folder' AND (width IS NULL OR height IS NULL)) AS missing_dimensions
FROM coreviz.`${collection_id}`

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Scored search
-- MAGIC `q` switches the API to CLIP + text ranking; `_score` is filled and
-- MAGIC `ORDER BY _score DESC LIMIT k` costs one request per page.

-- COMMAND ----------

CREATE OR REPLACE TEMPORARY VIEW red_shoes
USING coreviz
OPTIONS (endpoint '${coreviz_endpoint}', collectionId '${collection_id}', q 'red shoe', minScore '0.3')

-- COMMAND ----------

SELECT name, type, round(_score, 3) AS score
FROM red_shoes
ORDER BY _score DESC
LIMIT 10
