package dev.upsampler.bench;

import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.testing.S3Server;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.plugin.PluginUtils;

/**
 * How fast a Flink S3 file system publishes and reads frames against a real S3 server (S3Proxy,
 * started here): {@code S3FileSystemBenchmark NAME FRAMES KB ROUNDS}, with the file system as
 * the only plugin under {@code $FLINK_PLUGINS_DIR} (jobs/bench-s3.sh runs each in its own JVM).
 * Per round: publish FRAMES objects of KB kilobytes the way the frame sink does ({@link
 * AtomicPublish}: a recoverable writer, committed), list them, read them back. Prints medians.
 */
public final class S3FileSystemBenchmark {
  private S3FileSystemBenchmark() {}

  public static void main(String[] args) throws Exception {
    String name = args[0];
    int frames = Integer.parseInt(args[1]);
    int kb = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    java.nio.file.Path dir = Files.createTempDirectory("s3-bench");
    try (S3Server s3 = S3Server.start(dir)) {
      s3.createBucket("bench");
      Configuration c = new Configuration();
      s3.flinkSettings().forEach(c::setString);
      c.setString("s3.endpoint.region", "us-east-1"); // S3A's name for the region
      FileSystem.initialize(c, PluginUtils.createPluginManagerFromRootFolder(c));
      byte[] data = new byte[kb << 10];
      new Random(1).nextBytes(data);
      double[] publish = new double[rounds];
      double[] list = new double[rounds];
      double[] read = new double[rounds];
      for (int r = -1; r < rounds; r++) { // round -1 warms up
        Path root = new Path("s3://bench/" + name + "/round" + r);
        long t0 = System.nanoTime();
        for (int i = 0; i < frames; i++) {
          AtomicPublish.write(new Path(root, String.format("frame_%05d.png", i)), data);
        }
        long t1 = System.nanoTime();
        int listed = root.getFileSystem().listStatus(root).length;
        long t2 = System.nanoTime();
        for (int i = 0; i < frames; i++) {
          Path p = new Path(root, String.format("frame_%05d.png", i));
          try (InputStream in = p.getFileSystem().open(p)) {
            in.readAllBytes();
          }
        }
        long t3 = System.nanoTime();
        if (listed != frames) {
          throw new IllegalStateException("listed " + listed + " of " + frames);
        }
        if (r >= 0) {
          publish[r] = (t1 - t0) / 1e6 / frames;
          list[r] = (t2 - t1) / 1e6;
          read[r] = (t3 - t2) / 1e6 / frames;
        }
      }
      System.out.printf(Locale.ROOT, "%-8s publish %6.1f ms/frame  list %6.1f ms  read %6.1f"
          + " ms/frame  (%d x %d KB, median of %d)%n", name, median(publish), median(list),
          median(read), frames, kb, rounds);
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0); // the file systems' client threads
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
