package io.coreviz.spark.clip.model;

import java.io.File;
import java.net.URI;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** The local disk under the scheme {@code testfs:}, standing in for hdfs:// or s3a:// in tests. */
public final class TestFileSystem extends RawLocalFileSystem {

  @Override
  public URI getUri() {
    return URI.create("testfs:///");
  }

  @Override
  public File pathToFile(Path path) {
    return new File(path.toUri().getPath());
  }

  @Override
  public String getScheme() {
    return "testfs";
  }
}
