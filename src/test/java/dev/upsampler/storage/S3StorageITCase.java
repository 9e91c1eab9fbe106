package dev.upsampler.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.S3Server;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage against a real S3 server (S3Proxy in its own JVM): atomic publish, staging, and the
 * one-line errors for a wrong endpoint, wrong credentials and a missing bucket.
 */
class S3StorageITCase {
  @TempDir static java.nio.file.Path serverDir;
  static S3Server s3;

  @TempDir java.nio.file.Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = S3Server.start(serverDir);
    s3.createBucket("frames");
  }

  @AfterAll
  static void stopServer() throws Exception {
    Storage.initialize(Map.of());
    if (s3 != null) {
      s3.close();
    }
  }

  @AfterEach
  void reset() {
    Storage.initialize(s3.flinkSettings());
  }

  static List<String> names(Path dir) throws IOException {
    FileStatus[] all = dir.getFileSystem().listStatus(dir);
    return all == null ? List.of() : Arrays.stream(all).map(s -> s.getPath().getName()).sorted()
        .toList();
  }

  @Test
  void publishesWholeObjectsAndNothingElse() throws Exception {
    Storage.initialize(s3.flinkSettings());
    Path out = new Path("s3://frames/publish");
    byte[] data = new byte[3 << 20]; // above one multipart part
    new java.util.Random(7).nextBytes(data);
    AtomicPublish.write(new Path(out, "a.bin"), data);
    assertArrayEquals(data, AtomicPublish.readAll(new Path(out, "a.bin")));

    java.nio.file.Path local = dir.resolve("b.bin");
    Files.write(local, Arrays.copyOf(data, 1000));
    AtomicPublish.upload(local, new Path(out, "b.bin"));
    assertArrayEquals(Files.readAllBytes(local), AtomicPublish.readAll(new Path(out, "b.bin")));
    assertEquals(List.of("a.bin", "b.bin"), names(out), "no temporary object beside them");
  }

  @Test
  void aWriteCutMidwayNeverAppearsAndLeavesTheOldObject() throws Exception {
    Storage.initialize(s3.flinkSettings());
    Path out = new Path("s3://frames/cut");
    AtomicPublish.Content cut = o -> {
      o.write(new byte[1 << 20]);
      throw new IOException("connection reset by peer");
    };
    IOException e = assertThrows(IOException.class,
        () -> AtomicPublish.write(new Path(out, "new.bin"), cut));
    assertTrue(e.getMessage().startsWith("s3://frames/cut/new.bin: could not be written"),
        e.getMessage());
    assertFalse(out.getFileSystem().exists(new Path(out, "new.bin")));

    AtomicPublish.write(new Path(out, "old.bin"), new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> AtomicPublish.write(new Path(out, "old.bin"), cut));
    assertArrayEquals(new byte[] {1, 2, 3}, AtomicPublish.readAll(new Path(out, "old.bin")));
    assertEquals(List.of("old.bin"), names(out));
  }

  @Test
  void stagesARemoteFileLocallyAndDeletesTheCopy() throws Exception {
    Storage.initialize(s3.flinkSettings());
    Path remote = new Path("s3://frames/stage/clip.mkv");
    AtomicPublish.write(remote, new byte[] {9, 8, 7});
    java.nio.file.Path copy;
    try (LocalStaging.Staged s = LocalStaging.stage(remote)) {
      copy = s.file();
      assertTrue(s.copy());
      assertTrue(copy.getFileName().toString().endsWith("-clip.mkv"), copy.toString());
      assertArrayEquals(new byte[] {9, 8, 7}, Files.readAllBytes(copy));
    }
    assertFalse(Files.exists(copy), "the staged copy is deleted");
    java.nio.file.Path local = Files.write(dir.resolve("x.mkv"), new byte[] {1});
    try (LocalStaging.Staged s = LocalStaging.stage(Storage.resolve(local.toString()))) {
      assertFalse(s.copy());
      assertEquals(local, s.file());
    }
    assertTrue(Files.exists(local), "a local input is never deleted");
  }

  @Test
  void sharedCopiesAreDownloadedOnceAndGoAfterTheirLastReader() throws Exception {
    Storage.initialize(s3.flinkSettings());
    Path remote = new Path("s3://frames/stage/shared.mkv");
    AtomicPublish.write(remote, new byte[] {1, 2, 3});
    java.nio.file.Path copy;
    try (LocalStaging.Staged a = SharedStaging.stage(remote);
        LocalStaging.Staged b = SharedStaging.stage(remote)) {
      copy = a.file();
      assertEquals(copy, b.file(), "two readers, one copy");
      assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(copy));
    }
    assertTrue(Files.exists(copy), "kept a while for the next chunk of the same file");
    try (LocalStaging.Staged c = SharedStaging.stage(remote)) {
      assertEquals(copy, c.file(), "the next reader finds it");
    }
    SharedStaging.expireUnused();
    assertFalse(Files.exists(copy), "deleted once no reader is left");
    AtomicPublish.write(remote, new byte[] {4, 5, 6, 7}); // replaced: copied again
    try (LocalStaging.Staged d = SharedStaging.stage(remote)) {
      assertArrayEquals(new byte[] {4, 5, 6, 7}, Files.readAllBytes(d.file()));
    }
    SharedStaging.expireUnused();
  }

  /** The message of a failure to reach {@code uri} with these settings. */
  static String failure(Map<String, String> settings, String uri) {
    Storage.initialize(settings);
    IOException e = assertThrows(IOException.class, () -> Storage.requireExists(new Path(uri)));
    String m = e.getMessage();
    assertFalse(m.contains(S3Server.SECRET_KEY), m);
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(m.startsWith(uri + ": "), m);
    return m;
  }

  @Test
  void wrongEndpointCredentialsBucketOrPrefixEachGetOneLine() throws Exception {
    Map<String, String> wrongPort = new HashMap<>(s3.flinkSettings());
    wrongPort.put("s3.endpoint", "http://127.0.0.1:1");
    String refused = failure(wrongPort, "s3://frames/in");
    assertTrue(refused.contains("Connection refused") && refused.endsWith("check s3.endpoint"),
        refused);

    Map<String, String> wrongSecret = new HashMap<>(s3.flinkSettings());
    wrongSecret.put("s3.secret-key", "not-the-secret");
    String m = failure(wrongSecret, "s3://frames/in");
    assertTrue(m.contains("403"), m);

    m = failure(s3.flinkSettings(), "s3://no-such-bucket/in");
    assertTrue(m.contains("bucket does not exist"), m);

    m = failure(s3.flinkSettings(), "s3://frames/no-such-prefix");
    assertTrue(m.contains("does not exist"), m);

    Storage.initialize(s3.flinkSettings());
    assertTrue(FileSystem.get(new java.net.URI("s3://frames/")).isDistributedFS());
  }
}
