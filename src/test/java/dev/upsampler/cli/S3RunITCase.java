package dev.upsampler.cli;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.storage.Storage;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.Resources;
import dev.upsampler.testing.S3Server;
import dev.upsampler.testing.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} with s3:// input and output, as README tells a new user to type it, against a real
 * S3 server (S3Proxy in its own JVM): every good frame exactly once and equal to a local
 * {@code upscale}, bad files in the report, nothing temporary visible, no secret printed.
 */
class S3RunITCase {
  @TempDir static Path serverDir;
  static S3Server s3;

  @TempDir Path dir;

  @BeforeAll
  static void startServer() throws Exception {
    s3 = S3Server.start(serverDir);
    s3.createBucket("photos");
  }

  @AfterAll
  static void stopServer() throws Exception {
    Storage.initialize(Map.of());
    if (s3 != null) {
      s3.close();
    }
  }

  static String[] args(String... head) {
    return Stream.concat(Stream.of(head), Stream.of(s3.flags())).toArray(String[]::new);
  }

  /** Every object below {@code prefix}, as paths relative to it. */
  static List<String> objects(String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    list(new org.apache.flink.core.fs.Path(prefix), "", out);
    return out.stream().sorted().toList();
  }

  private static void list(org.apache.flink.core.fs.Path p, String rel, List<String> out)
      throws IOException {
    FileStatus[] all = p.getFileSystem().listStatus(p);
    for (FileStatus s : all == null ? new FileStatus[0] : all) {
      String name = rel + s.getPath().getName();
      if (s.isDir()) {
        list(s.getPath(), name + "/", out);
      } else {
        out.add(name);
      }
    }
  }

  static void put(Path local, String uri) throws IOException {
    AtomicPublish.upload(local, new org.apache.flink.core.fs.Path(uri));
  }

  static byte[] get(String uri) throws IOException {
    return AtomicPublish.readAll(new org.apache.flink.core.fs.Path(uri));
  }

  static void assertNoSecret(CliRun r) {
    assertFalse((r.out() + r.err()).contains(S3Server.SECRET_KEY), "the secret was printed");
  }

  @Test
  void imagesFromS3ToS3EqualALocalUpscale() throws Exception {
    Path local = Files.createDirectories(dir.resolve("in/cam2"));
    Files.copy(Resources.path("photos/coffee.png"), local.getParent().resolve("coffee.png"));
    Files.copy(Resources.path("photos/chelsea.png"), local.resolve("frame_0001.png"));
    Files.copy(Resources.path("codecs/truncated.png"), local.getParent().resolve("broken.png"));
    Storage.initialize(s3.flinkSettings());
    put(local.getParent().resolve("coffee.png"), "s3://photos/in/coffee.png");
    put(local.resolve("frame_0001.png"), "s3://photos/in/cam2/frame_0001.png");
    put(local.getParent().resolve("broken.png"), "s3://photos/in/broken.png");
    put(Resources.path("photos/coffee.png"), "s3://photos/in/.hidden.png");

    CliRun r = run(args("run", "jobs/images.yaml", "--input", "s3://photos/in",
        "--output", "s3://photos/out", "--kernel", "bicubic", "--scale", "2"));
    assertNoSecret(r);
    assertEquals(1, r.status(), "one rejected frame: " + r.out() + r.err());
    assertTrue(r.out().contains("2 frames written to s3://photos/out, 1 rejected"), r.out());
    assertEquals(List.of("_rejects.jsonl", "cam2/frame_0001.png", "coffee.png"),
        objects("s3://photos/out"), "every good frame once, the report, nothing temporary");
    String report = new String(get("s3://photos/out/_rejects.jsonl"));
    assertTrue(report.contains("broken.png") && !report.contains("hidden"), report);

    Path expected = dir.resolve("local-x2");
    CliRun u = run("upscale", "--input", local.getParent().toString(), "--output",
        expected.toString(), "--kernel", "bicubic", "--scale", "2");
    assertEquals(1, u.status(), "the local run rejects the same file: " + u.err());
    for (String name : List.of("coffee.png", "cam2/frame_0001.png")) {
      assertArrayEquals(
          ImageCodecs.read(expected.resolve(name), Long.MAX_VALUE).bytes(),
          ImageCodecs.decode(get("s3://photos/out/" + name), Path.of(name), Long.MAX_VALUE)
              .bytes(), name);
    }
  }

  @Test
  void videoFromS3ToS3WithAudioPublishedOnceWhole() throws Exception {
    Path clip = dir.resolve("clip.mkv");
    TestVideos.write(clip, "matroska", "ffv1", "bgr0", 30, 96, 64, 25, true);
    Storage.initialize(s3.flinkSettings());
    put(clip, "s3://photos/video/clip.mkv");
    // A checkpoint every second: the output is made of several segments, each uploaded.
    CliRun r = run(args("run", "jobs/video.yaml", "--input", "s3://photos/video/clip.mkv",
        "--output", "s3://photos/video/clip-x2.mkv", "--kernel", "nearest",
        "--set", "video-codec=ffv1", "--set", "checkpoint-interval=1", "--set", "realtime=true"));
    assertNoSecret(r);
    assertEquals(0, r.status(), r.out() + r.err());
    assertEquals(List.of("clip-x2.mkv", "clip.mkv"), objects("s3://photos/video"),
        "the video and its source; no segments, no temporary objects");
    Path out = Files.write(dir.resolve("clip-x2.mkv"), get("s3://photos/video/clip-x2.mkv"));
    List<VideoFrame> source = TestVideos.readAll(clip);
    List<VideoFrame> upscaled = TestVideos.readAll(out);
    assertEquals(source.size(), upscaled.size());
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).timestampMicros(), upscaled.get(i).timestampMicros(), "frame " + i);
      assertEquals(2 * source.get(i).frame().width(), upscaled.get(i).frame().width());
    }
    int channels = TestVideos.probe(out, g -> g.getAudioChannels());
    assertTrue(channels > 0, "audio copied");
  }

  @Test
  void unreachableStorageFailsBeforeTheJobWithOneLine() {
    String[] wrongSecret = args("run", "jobs/images.yaml", "--input", "s3://photos/in",
        "--output", "s3://photos/out2");
    for (int i = 0; i < wrongSecret.length; i++) {
      if (wrongSecret[i].startsWith("s3.secret-key=")) {
        wrongSecret[i] = "s3.secret-key=wrong";
      }
    }
    CliRun r = run(wrongSecret);
    assertEquals(1, r.status());
    assertTrue(r.err().startsWith("upsampler run: s3://photos/in: cannot be read (")
        && r.err().contains("403") && r.err().contains("check the credentials"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());

    r = run(args("run", "jobs/images.yaml", "--input", "s3://photos/nothing-here",
        "--output", "s3://photos/out2"));
    assertEquals(1, r.status());
    assertTrue(r.err().contains("s3://photos/nothing-here: cannot be read (")
        && r.err().contains("not"), r.err());

    r = run(args("run", "jobs/images.yaml", "--input", "jobs/samples",
        "--output", "s3://no-bucket/out"));
    assertEquals(1, r.status());
    assertTrue(r.err().contains("s3://no-bucket/out: cannot be written (")
        && r.err().contains("bucket does not exist"), r.err());
    assertNoSecret(r);
  }
}
