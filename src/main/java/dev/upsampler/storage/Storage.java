package dev.upsampler.storage;

import java.io.IOException;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** Locations as the job sees them, and file systems set up with the job's own settings. */
public final class Storage {
  private Storage() {}

  /**
   * A job's input or output as a Flink path: a URI as given ({@code s3://bucket/in}), a local
   * path made absolute ({@code target/x2} -> {@code /work/target/x2}).
   */
  public static Path resolve(String location) {
    if (hasScheme(location)) {
      return new Path(location);
    }
    return new Path(java.nio.file.Path.of(location).toAbsolutePath().normalize().toString());
  }

  /** True for a URI with a scheme ({@code s3://...}, {@code file:/...}), false for a path. */
  public static boolean hasScheme(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") && !location.matches("^[A-Za-z]:\\\\.*");
  }

  /** True when {@code p} is on this machine's disk (no scheme, or {@code file:}). */
  public static boolean isLocal(Path p) {
    String scheme = p.toUri().getScheme();
    return scheme == null || scheme.equals("file");
  }

  /** The local file of a path for which {@link #isLocal} holds. */
  public static java.nio.file.Path localFile(Path p) {
    if (!isLocal(p)) {
      throw new IllegalArgumentException(p + " is not a local path");
    }
    return java.nio.file.Path.of(p.toUri().getPath());
  }

  /**
   * Sets Flink's file systems up with the job's Flink settings, as a cluster does from its
   * config.yaml: an embedded run (a MiniCluster) never does it itself, so without this {@code
   * s3.endpoint} and the credentials would be ignored. Where an endpoint is named but no region
   * (S3-compatible servers rarely care), the region is {@code us-east-1}, unless the AWS
   * environment names one.
   */
  public static Configuration initialize(Map<String, String> flinkSettings) {
    Configuration c = new Configuration();
    flinkSettings.forEach(c::setString);
    withDefaultRegion(c, System.getenv());
    FileSystem.initialize(c, null);
    return c;
  }

  static void withDefaultRegion(Configuration c, Map<String, String> env) {
    boolean named = c.containsKey("s3.region") || env.containsKey("AWS_REGION")
        || env.containsKey("AWS_DEFAULT_REGION");
    if (!named && c.containsKey("s3.endpoint")) {
      c.setString("s3.region", "us-east-1");
    }
    if (!c.containsKey("s3.region") && env.containsKey("AWS_DEFAULT_REGION")
        && !env.containsKey("AWS_REGION")) {
      c.setString("s3.region", env.get("AWS_DEFAULT_REGION")); // the SDK reads only AWS_REGION
    }
  }

  /**
   * Fails with one line naming the location and the cause when the input cannot be listed or
   * read (wrong endpoint, wrong credentials, missing bucket or prefix).
   */
  public static void requireExists(Path p) throws IOException {
    try {
      if (!p.getFileSystem().exists(p)) {
        throw new java.io.FileNotFoundException("does not exist");
      }
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.failure(p, "cannot be read", e);
    }
  }

  /**
   * Fails with one line naming the location and the cause when the file system holding {@code
   * p} cannot be reached or refuses access (a missing bucket, wrong credentials); {@code p}
   * itself need not exist yet.
   */
  public static void requireReachable(Path p) throws IOException {
    try {
      p.getFileSystem().exists(p);
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.failure(p, "cannot be written", e);
    }
  }
}
