package io.coreviz.spark.clip.model;

import io.coreviz.spark.errors.ConfigurationException;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

/**
 * Which model to load and how, as shipped to executors: the model directory as the user wrote it (a
 * local path, a path relative to the executor's working directory as {@code --archives} extracts
 * them, a name given to {@code --files} / {@code SparkContext.addFile}, or a Hadoop filesystem URI
 * such as {@code hdfs://}, {@code s3a://} or {@code dbfs:/}), the ONNX Runtime threads (0: a task's
 * cores, {@code spark.task.cpus}) and whether to try CUDA.
 *
 * @param hadoopConf the driver's Hadoop settings, only for filesystem URIs
 */
public record ModelSpec(String path, int threads, boolean cuda, Map<String, String> hadoopConf)
    implements Serializable {

  public ModelSpec {
    if (path == null || path.isBlank()) {
      throw new ConfigurationException(
          "modelPath is required: a CLIP model directory (Optimum model.onnx or transformers.js"
              + " onnx/text_model.onnx + onnx/vision_model.onnx)");
    }
    if (threads < 0) {
      throw new ConfigurationException(
          "threads must be >= 0 (0: a task's cores, spark.task.cpus): " + threads);
    }
    hadoopConf = hadoopConf == null ? Map.of() : Map.copyOf(hadoopConf);
  }

  /** Without the Hadoop settings: they may hold storage credentials. */
  @Override
  public String toString() {
    return "ModelSpec[" + path + ", threads=" + threads + ", cuda=" + cuda + "]";
  }

  public boolean remote() {
    int colon = path.indexOf(':');
    // A scheme of two or more letters (so not a Windows drive), other than file:
    return colon > 1
        && path.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]+")
        && !path.startsWith("file:");
  }

  /**
   * The intra-op threads to use on this JVM: as set, or by default a task's cores ({@code
   * spark.task.cpus}, 1 unless configured), never more than the machine has. Every task of an
   * executor runs the shared session at once, so per-task threads keep the cores busy without
   * oversubscribing them (the benchmark on 2 cores: 82-96% of a single two-thread run with one
   * thread per task, 72% with all cores per task). Outside Spark: all cores.
   */
  int effectiveThreads() {
    int cores = Runtime.getRuntime().availableProcessors();
    if (threads > 0) {
      return Math.min(threads, cores);
    }
    SparkEnv env = SparkEnv.get();
    if (env == null) {
      return cores;
    }
    return Math.max(1, Math.min(cores, env.conf().getInt("spark.task.cpus", 1)));
  }

  /** The model directory on this machine, copying it from a Hadoop filesystem first if needed. */
  Path localDirectory() {
    if (remote()) {
      return download();
    }
    Path local = path.startsWith("file:") ? Paths.get(URI.create(path)) : Paths.get(path);
    if (Files.isDirectory(local)) {
      return local.toAbsolutePath();
    }
    if (SparkEnv.get() != null && !local.isAbsolute()) {
      Path shipped = Paths.get(SparkFiles.get(path));
      if (Files.isDirectory(shipped)) {
        return shipped;
      }
    }
    throw new ConfigurationException(
        "CLIP model directory not found: "
            + path
            + " (looked for a local directory"
            + (SparkEnv.get() != null
                ? " and under SparkFiles' root " + SparkFiles.getRootDirectory()
                : "")
            + ")");
  }

  private static void describe(FileSystem fs, org.apache.hadoop.fs.Path dir, StringBuilder out)
      throws IOException {
    for (FileStatus file : fs.listStatus(dir)) {
      if (file.isDirectory()) {
        describe(fs, file.getPath(), out);
      } else {
        out.append('\n').append(file.getPath()).append(' ').append(file.getLen());
        out.append(' ').append(file.getModificationTime());
      }
    }
  }

  /**
   * Copies the directory to this machine's temp directory, once per version: the copy is keyed by
   * the path and the names, sizes and modification times of its files, so an updated model is
   * fetched again and an unchanged one is not.
   */
  private Path download() {
    Configuration conf = new Configuration();
    hadoopConf.forEach(conf::set);
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(path);
    synchronized (ModelSpec.class) {
      try {
        FileSystem fs = source.getFileSystem(conf);
        StringBuilder version = new StringBuilder(path);
        describe(fs, source, version);
        Path target =
            Paths.get(
                System.getProperty("java.io.tmpdir"),
                "coreviz-clip",
                UUID.nameUUIDFromBytes(version.toString().getBytes(StandardCharsets.UTF_8))
                    .toString());
        if (!Files.exists(target.resolve(".complete"))) {
          Files.createDirectories(target);
          fs.copyToLocalFile(
              false, source, new org.apache.hadoop.fs.Path(target.resolve("model").toUri()), true);
          Files.createFile(target.resolve(".complete"));
        }
        return target.resolve("model");
      } catch (IOException e) {
        throw new ConfigurationException(
            "cannot copy the CLIP model from " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
