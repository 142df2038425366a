package io.coreviz.spark.read;

import io.coreviz.spark.convert.MediaSchema;
import io.coreviz.spark.errors.ConfigurationException;
import java.util.Arrays;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;

/**
 * A stream's row: the table's columns, then the id and creation time the stream placed it by. Spark
 * appends the hidden media columns to a stream's output when a query names one, but pushes no
 * column pruning into a stream, so the stream cannot know to fetch them: where Spark would read
 * them, this row says so instead of handing over the wrong value.
 */
final class StreamRow extends GenericInternalRow {

  static final String NO_MEDIA_COLUMNS =
      "the hidden columns "
          + String.join(", ", Arrays.asList(MediaSchema.CONTENT_COLUMNS.fieldNames()))
          + " cannot be read from a CoreViz stream: Spark does not tell a stream which columns a"
          + " query reads, so it would have to download every item's blob; select the stream's"
          + " other columns and read the media with spark.read.format(\"coreviz\") (a batch"
          + " read, e.g. in foreachBatch)";

  private final int width;

  /**
   * @param width how many of the row's values are the table's columns
   */
  StreamRow(GenericInternalRow row, int width) {
    super(row.values());
    this.width = width;
  }

  @Override
  public Object genericGet(int ordinal) {
    check(ordinal);
    return super.genericGet(ordinal);
  }

  @Override
  public boolean isNullAt(int ordinal) {
    check(ordinal);
    return super.isNullAt(ordinal);
  }

  private void check(int ordinal) {
    if (ordinal >= width) {
      throw new ConfigurationException(NO_MEDIA_COLUMNS);
    }
  }
}
