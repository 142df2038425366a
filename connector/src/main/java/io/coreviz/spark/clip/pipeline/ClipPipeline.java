package io.coreviz.spark.clip.pipeline;

import io.coreviz.spark.client.RequestStats;
import io.coreviz.spark.clip.image.ImageFetcher;
import io.coreviz.spark.clip.image.UndecodableImageException;
import io.coreviz.spark.clip.image.Workspace;
import io.coreviz.spark.clip.model.ClipModel;
import io.coreviz.spark.errors.ConfigurationException;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Embeds the images of a stream of rows in fixed-size batches. While the model runs on one batch, a
 * bounded pool downloads, decodes and preprocesses the images of the next ones (at most {@code 1 +
 * PREFETCH} batches are held), so the network and the decoder overlap with inference. Each thread
 * preprocesses into buffers of its own, and image tensors are reused once copied into the batch, so
 * a long run allocates almost nothing per image.
 *
 * <p>A row's images are URLs or bytes; a row with several (a video's frame images) gets the
 * normalised mean of their embeddings. A row none of whose images can be used gets no embedding and
 * a reason, never an exception: bad images do not fail a job.
 *
 * @param <T> the row type, passed through untouched
 */
public final class ClipPipeline<T>
    implements Iterator<List<ClipPipeline.Embedded<T>>>, AutoCloseable {

  /** A row and its image embedding, or the reason it has none. */
  public record Embedded<T>(T row, float[] embedding, String error) {}

  private static final int PREFETCH = 2;
  private static final String NO_IMAGE =
      "no image: the value is null, or a video has no frame images";

  private final Iterator<T> rows;
  private final Function<T, List<Object>> images;
  private final ClipModel model;
  private final ImageFetcher fetcher;
  private final RequestStats downloads;
  private final int batchSize;
  private final boolean reducedScale;
  private final ExecutorService pool;
  private final Deque<List<Pending<T>>> queue = new ArrayDeque<>();

  /** Tensors already copied into a batch, free for the next images. */
  private final Queue<float[]> tensors = new ConcurrentLinkedQueue<>();

  /** The caller's buffers, where images are prepared in its thread. */
  private final Workspace callerWorkspace = new Workspace();

  private FloatBuffer pixels;

  private record Pending<T>(T row, List<Future<Prepared>> images) {}

  /** A preprocessed image tensor, or why there is none. */
  private record Prepared(float[] tensor, String error) {}

  ClipPipeline(
      Iterator<T> rows,
      Function<T, List<Object>> images,
      ClipModel model,
      ImageFetcher fetcher,
      RequestStats downloads,
      int batchSize,
      int downloadThreads,
      boolean reducedScale) {
    // downloadThreads 0: prepare images in the caller's thread (one row at a time needs no pool).
    this.rows = rows;
    this.images = images;
    this.model = model;
    this.fetcher = fetcher;
    this.downloads = downloads;
    this.batchSize = batchSize;
    this.reducedScale = reducedScale;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        downloadThreads == 0
            ? null
            : Executors.newFixedThreadPool(
                downloadThreads,
                runnable ->
                    new Worker(runnable, "coreviz-clip-fetch-" + threads.incrementAndGet()));
  }

  /** A pool thread and its preprocessing buffers, which end with it (and with the pipeline). */
  private static final class Worker extends Thread {
    private final Workspace workspace = new Workspace();

    Worker(Runnable runnable, String name) {
      super(runnable, name);
      setDaemon(true);
    }
  }

  @Override
  public boolean hasNext() {
    fill();
    return !queue.isEmpty();
  }

  @Override
  public List<Embedded<T>> next() {
    fill();
    List<Pending<T>> batch = queue.poll();
    if (batch == null) {
      throw new NoSuchElementException();
    }
    fill(); // keep the next batches downloading while this one runs
    return embed(batch);
  }

  private void fill() {
    while (queue.size() < 1 + PREFETCH && rows.hasNext()) {
      List<Pending<T>> batch = new ArrayList<>(batchSize);
      while (batch.size() < batchSize && rows.hasNext()) {
        T row = rows.next();
        List<Future<Prepared>> prepared = new ArrayList<>();
        for (Object image : images.apply(row)) {
          prepared.add(
              pool == null
                  ? CompletableFuture.completedFuture(prepare(image))
                  : pool.submit(() -> prepare(image)));
        }
        batch.add(new Pending<>(row, prepared));
      }
      queue.add(batch);
    }
  }

  private Prepared prepare(Object image) {
    try {
      byte[] bytes;
      if (image instanceof byte[] b) {
        bytes = b;
      } else if (image instanceof String url) {
        bytes = fetcher.fetch(url, downloads);
      } else {
        return new Prepared(
            null, "no image: not a URL or bytes: " + image.getClass().getSimpleName());
      }
      float[] tensor = tensors.poll();
      if (tensor == null) {
        tensor = new float[model.preprocessor().tensorSize()];
      }
      Workspace workspace =
          Thread.currentThread() instanceof Worker worker ? worker.workspace : callerWorkspace;
      try {
        model.preprocessor().preprocess(bytes, tensor, 0, reducedScale, workspace);
      } catch (UndecodableImageException | RuntimeException | OutOfMemoryError e) {
        tensors.add(tensor);
        throw e;
      }
      return new Prepared(tensor, null);
    } catch (ImageFetcher.ImageFailure | UndecodableImageException e) {
      return new Prepared(null, e.getMessage());
    } catch (ConfigurationException e) {
      throw e; // a setting at fault fails the task, not one image
    } catch (RuntimeException | OutOfMemoryError e) {
      return new Prepared(null, "cannot read image: " + e);
    }
  }

  private List<Embedded<T>> embed(List<Pending<T>> batch) {
    int tensorSize = model.preprocessor().tensorSize();
    List<List<Prepared>> prepared = new ArrayList<>(batch.size());
    int usable = 0;
    for (Pending<T> pending : batch) {
      List<Prepared> row = new ArrayList<>();
      for (Future<Prepared> future : pending.images()) {
        Prepared image = await(future);
        row.add(image);
        usable += image.tensor() == null ? 0 : 1;
      }
      prepared.add(row);
    }
    float[][] embeddings = new float[0][];
    if (usable > 0) {
      FloatBuffer pixels = pixels(usable * tensorSize);
      for (List<Prepared> row : prepared) {
        for (Prepared image : row) {
          if (image.tensor() != null) {
            pixels.put(image.tensor());
            tensors.add(image.tensor()); // copied: free for the next image
          }
        }
      }
      pixels.flip();
      embeddings = model.embedImages(pixels, usable);
    }
    List<Embedded<T>> out = new ArrayList<>(batch.size());
    int next = 0;
    for (int i = 0; i < batch.size(); i++) {
      float[] sum = null;
      String error = prepared.get(i).isEmpty() ? NO_IMAGE : null;
      for (Prepared image : prepared.get(i)) {
        if (image.tensor() == null) {
          error = error == null ? image.error() : error;
          continue;
        }
        float[] embedding = embeddings[next++];
        if (sum == null) {
          sum = embedding.clone();
        } else {
          for (int d = 0; d < sum.length; d++) {
            sum[d] += embedding[d];
          }
        }
      }
      if (sum != null && prepared.get(i).size() > 1) {
        ClipModel.normalise(new float[][] {sum});
      }
      out.add(new Embedded<>(batch.get(i).row(), sum, sum == null ? error : null));
    }
    return out;
  }

  /**
   * The batch buffer, reused across batches: direct and in native order, so ONNX Runtime reads it
   * in place instead of copying a fresh array each batch.
   */
  private FloatBuffer pixels(int floats) {
    if (pixels == null || pixels.capacity() < floats) {
      pixels = ClipModel.directBuffer(floats);
    }
    pixels.clear();
    return pixels;
  }

  private static Prepared await(Future<Prepared> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for images", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ConfigurationException setting) {
        throw setting;
      }
      return new Prepared(null, "cannot read image: " + e.getCause());
    }
  }

  /**
   * The output rows, {@code score} turning each embedded batch into rows. The pipeline closes when
   * the rows run out or the Spark task ends, whichever comes first.
   */
  public <R> Iterator<R> scored(Function<List<Embedded<T>>, List<R>> score) {
    TaskContext context = TaskContext.get();
    if (context != null) {
      context.addTaskCompletionListener((TaskCompletionListener) c -> close());
    }
    return new Iterator<>() {
      private Iterator<R> batch = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!batch.hasNext()) {
          if (!ClipPipeline.this.hasNext()) {
            close();
            return false;
          }
          batch = score.apply(ClipPipeline.this.next()).iterator();
        }
        return true;
      }

      @Override
      public R next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return batch.next();
      }
    };
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
