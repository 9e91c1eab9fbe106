package dev.upsampler.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locations, defaults and messages, without a server (see S3StorageITCase for one). */
class StorageTest {
  @TempDir java.nio.file.Path dir;

  @Test
  void resolvesPathsAndUris() {
    assertEquals(new Path("s3://b/in"), Storage.resolve("s3://b/in"));
    assertEquals(new Path("hdfs://nn:8020/x"), Storage.resolve("hdfs://nn:8020/x"));
    Path local = Storage.resolve("target/x2");
    assertTrue(Storage.isLocal(local));
    assertEquals(java.nio.file.Path.of("target/x2").toAbsolutePath(), Storage.localFile(local));
    assertTrue(Storage.isLocal(new Path("file:///tmp/a")));
    assertFalse(Storage.isLocal(new Path("s3://b/a")));
    assertThrows(IllegalArgumentException.class, () -> Storage.localFile(new Path("s3://b/a")));
  }

  @Test
  void anEndpointWithoutRegionGetsOneUnlessTheEnvironmentNamesIt() {
    Configuration c = new Configuration();
    c.setString("s3.endpoint", "http://127.0.0.1:9000");
    Storage.withDefaultRegion(c, Map.of());
    assertEquals("us-east-1", c.getString("s3.region", null));

    Configuration fromEnv = new Configuration();
    fromEnv.setString("s3.endpoint", "http://127.0.0.1:9000");
    Storage.withDefaultRegion(fromEnv, Map.of("AWS_REGION", "eu-west-1"));
    assertFalse(fromEnv.containsKey("s3.region"), "the SDK reads AWS_REGION itself");

    Configuration legacy = new Configuration();
    Storage.withDefaultRegion(legacy, Map.of("AWS_DEFAULT_REGION", "eu-central-1"));
    assertEquals("eu-central-1", legacy.getString("s3.region", null));

    Configuration aws = new Configuration();
    Storage.withDefaultRegion(aws, Map.of());
    assertFalse(aws.containsKey("s3.region"), "real AWS: the file system's own error names it");
  }

  @Test
  void storageErrorsAreOneCleanLine() {
    Exception sdk = new RuntimeException("org.apache.flink.fs.s3native.shaded.software.amazon"
        + ".awssdk.services.s3.model.S3Exception: Forbidden (Service: S3, Status Code: 403,"
        + " Request ID: 2FF4AB10CAA0249F) (SDK Attempt Count: 1)");
    String m = StorageErrors.failure(new Path("s3://b/in"), "cannot be read",
        new IOException("Failed to get file status", sdk)).getMessage();
    assertTrue(m.startsWith("s3://b/in: cannot be read ("), m);
    assertTrue(m.contains("(HTTP 403)") && m.contains("check the credentials"), m);
    assertFalse(m.contains("Request ID") || m.contains("shaded") || m.contains("Attempt"), m);

    String refused = StorageErrors.failure(new Path("s3://b/in"), "cannot be read",
        new IOException("Unable to execute HTTP request: Connect to 127.0.0.1:1 failed:"
            + " Connection refused (SDK Attempt Count: 4)")).getMessage();
    assertTrue(refused.endsWith("; check s3.endpoint"), refused);
    assertFalse(StorageErrors.failure(new Path("/data/in"), "cannot be read",
        new java.io.FileNotFoundException("/data/in")).getMessage().contains("check"));
  }

  @Test
  void localPublishRenamesAndLeavesNothingOnFailure() throws IOException {
    Path target = Storage.resolve(dir.resolve("a.png").toString());
    AtomicPublish.write(target, new byte[] {1, 2});
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(dir.resolve("a.png")));
    assertThrows(IOException.class, () -> AtomicPublish.write(target, out -> {
      out.write(7);
      throw new IOException("disk full");
    }));
    assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(dir.resolve("a.png")));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left");
    }
  }

  @Test
  void stagingRefusesACopyThatWouldFillTheDisk() throws IOException {
    String previous = System.getProperty(LocalStaging.DIR_PROPERTY);
    System.setProperty(LocalStaging.DIR_PROPERTY, dir.toString());
    try {
      assertTrue(LocalStaging.directory().startsWith(dir));
      java.nio.file.Path f = LocalStaging.scratchFile("clip 1.mp4");
      assertTrue(f.getFileName().toString().endsWith("-clip_1.mp4"), f.toString());
      LocalStaging.requireRoom(new Path("s3://b/clip.mp4"), 1L << 30, dir, 2L << 30);
      IOException e = assertThrows(IOException.class, () -> LocalStaging.requireRoom(
          new Path("s3://b/clip.mp4"), 2L << 30, dir, 2L << 30));
      assertTrue(e.getMessage().startsWith("s3://b/clip.mp4: 2048 MB does not fit in the"
          + " staging directory " + dir + " (2048 MB free, 256 MB kept free)"), e.getMessage());
    } finally {
      if (previous == null) {
        System.clearProperty(LocalStaging.DIR_PROPERTY);
      } else {
        System.setProperty(LocalStaging.DIR_PROPERTY, previous);
      }
    }
  }
}
