package io.coreviz.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.coreviz.spark.convert.MediaRowReader;
import io.coreviz.spark.convert.MediaSchema;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The plain client's requests in a Spark data source of its own: what a first read costs a source
 * with nothing of the connector's transport. Planning is one request (the total); each of Spark's
 * default parallelism of partitions reads every so many offset pages through {@link PlainClient}
 * (the JDK's HTTP client, one per JVM), its share of {@link FirstReadBenchmark#IN_FLIGHT} requests
 * in flight, and turns each page into rows with the connector's {@link MediaRowReader}, so the rows
 * and their cost are the connector's. No retries, no checks that the listing held still: a
 * benchmark's reference, not a reader for real collections.
 *
 * <pre>
 * spark.read().format(PlainClientSource.class.getName())
 *     .option("endpoint", …).option("apiKey", …).option("collectionId", …).load()
 * </pre>
 */
public final class PlainClientSource implements TableProvider {

  private static final JsonFactory JSON = new JsonFactory();
  private static final Map<List<String>, PlainClient> CLIENTS = new ConcurrentHashMap<>();

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return MediaSchema.SCHEMA;
  }

  @Override
  public Table getTable(
      StructType schema, Transform[] partitioning, Map<String, String> properties) {
    CaseInsensitiveStringMap options = new CaseInsensitiveStringMap(properties);
    Listing listing =
        new Listing(
            required(options, "endpoint"),
            required(options, "apiKey"),
            required(options, "collectionId"));
    return new BatchTable("plain client " + listing, new PlainScan(listing));
  }

  private static String required(CaseInsensitiveStringMap options, String name) {
    String value = options.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "PlainClientSource needs the option '"
              + name
              + "' (it takes endpoint, apiKey and collectionId)");
    }
    return value;
  }

  /** Where the items are; its {@code toString} leaves the key out. */
  private record Listing(String endpoint, String key, String collectionId)
      implements java.io.Serializable {

    PlainClient client() {
      return CLIENTS.computeIfAbsent(
          List.of(endpoint, key, collectionId),
          k ->
              new PlainClient(
                  endpoint,
                  key,
                  collectionId,
                  FirstReadBenchmark.PAGE_SIZE,
                  FirstReadBenchmark.IN_FLIGHT));
    }

    @Override
    public String toString() {
      return endpoint + " " + collectionId;
    }
  }

  private record PlainScan(Listing listing) implements BatchTable.Reads {

    @Override
    public InputPartition[] planInputPartitions() {
      long total;
      try {
        total = listing.client().total();
      } catch (Exception e) {
        throw new IllegalStateException("could not read the listing's total", e);
      }
      int shares = SparkSession.active().sparkContext().defaultParallelism();
      InputPartition[] partitions = new InputPartition[shares];
      for (int index = 0; index < shares; index++) {
        partitions[index] = new Share(listing, index, shares, total);
      }
      return partitions;
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return partition -> new ShareReader((Share) partition);
    }
  }

  /** Every {@code shares}th page of the listing from page {@code index}. */
  private record Share(Listing listing, int index, int shares, long total)
      implements InputPartition {

    List<Long> offsets() {
      List<Long> offsets = new ArrayList<>();
      long step = (long) shares * FirstReadBenchmark.PAGE_SIZE;
      for (long offset = (long) index * FirstReadBenchmark.PAGE_SIZE;
          offset < total;
          offset += step) {
        offsets.add(offset);
      }
      return offsets;
    }
  }

  /**
   * Sends its share's pages, a few in flight, each next one as one comes back, and hands their rows
   * out in the order they came.
   */
  private static final class ShareReader implements PartitionReader<InternalRow> {

    private final PlainClient client;
    private final List<Long> offsets;
    private final AtomicInteger sent = new AtomicInteger();
    private final LinkedBlockingQueue<Object> pages = new LinkedBlockingQueue<>();
    private final MediaRowReader rowReader = new MediaRowReader();
    private int received;
    private Iterator<InternalRow> rows = List.<InternalRow>of().iterator();
    private InternalRow row;

    ShareReader(Share share) {
      this.client = share.listing().client();
      this.offsets = share.offsets();
      int inFlight = Math.max(1, FirstReadBenchmark.IN_FLIGHT / share.shares());
      for (int i = 0; i < inFlight; i++) {
        sendNext();
      }
    }

    private void sendNext() {
      int page = sent.getAndIncrement();
      if (page >= offsets.size()) {
        return;
      }
      client
          .body(offsets.get(page), FirstReadBenchmark.PAGE_SIZE)
          .whenComplete(
              (body, error) -> {
                try {
                  if (error != null) {
                    throw error;
                  }
                  pages.add(rows(body));
                } catch (Throwable failure) {
                  pages.add(failure);
                }
                sendNext();
              });
    }

    private List<InternalRow> rows(byte[] body) throws IOException {
      List<InternalRow> rows = new ArrayList<>();
      try (JsonParser parser = JSON.createParser(body)) {
        parser.nextToken();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          parser.nextToken();
          if (!field.equals("media")) {
            parser.skipChildren();
            continue;
          }
          while (parser.nextToken() == JsonToken.START_OBJECT) {
            rows.add(rowReader.read(parser));
          }
        }
      }
      return rows;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean next() throws IOException {
      while (!rows.hasNext()) {
        if (received == offsets.size()) {
          return false;
        }
        Object page;
        try {
          page = pages.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for a page");
        }
        received++;
        if (page instanceof Throwable failure) {
          throw new IOException("a page of the listing failed", failure);
        }
        rows = ((List<InternalRow>) page).iterator();
      }
      row = rows.next();
      return true;
    }

    @Override
    public InternalRow get() {
      return row;
    }

    @Override
    public void close() {}
  }
}
