package dev.upsampler.flink;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import dev.upsampler.testing.TestVideos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The library API ({@link Upsampling}, {@link FrameRecord#encoded}) in a pipeline of its own. */
class UpsamplingITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  static final List<String> PHOTOS = List.of("astronaut.png", "camera.png", "coffee.png");

  @Test
  void upscalesEncodedFramesLikeTheCommandAndHandsBackRejects() throws Exception {
    List<FrameRecord> frames = new ArrayList<>();
    for (int i = 0; i < PHOTOS.size(); i++) {
      frames.add(FrameRecord.encoded("photos", i, PHOTOS.get(i),
          Files.readAllBytes(Resources.path("photos/" + PHOTOS.get(i)))));
    }
    frames.add(FrameRecord.encoded("photos", 3, "broken.jpg",
        Files.readAllBytes(Resources.path("codecs/truncated.jpg"))));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<FrameRecord> up = Upsampling.upscale(env.fromData(frames), "bicubic", 2);
    CloseableIterator<FrameRecord> upscaled = up.collectAsync();
    CloseableIterator<Reject> rejected = Upsampling.rejects(up).collectAsync();
    env.executeAsync("library");
    List<FrameRecord> out = new ArrayList<>();
    upscaled.forEachRemaining(out::add);
    List<Reject> rejects = new ArrayList<>();
    rejected.forEachRemaining(rejects::add);

    assertEquals(PHOTOS, out.stream().map(r -> r.outputName).sorted().toList(),
        "only upscaled frames leave, PNG, named as they came");
    Path cmd = dir.resolve("cmd");
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (String p : PHOTOS) {
      Files.copy(Resources.path("photos/" + p), in.resolve(p));
    }
    assertEquals(0, run("upscale", "--input", in.toString(), "--output", cmd.toString(),
        "--scale", "2", "--kernel", "bicubic").status());
    for (FrameRecord r : out) {
      Frame lib = ImageCodecs.decode(r.data, Path.of(r.outputName), Long.MAX_VALUE);
      Frame command = ImageCodecs.read(cmd.resolve(r.outputName), Long.MAX_VALUE);
      assertEquals(command.width(), lib.width());
      assertArrayEquals(command.bytes(), lib.bytes(), r.outputName + ": equals upscale's");
      assertEquals("photos", r.streamId);
    }
    assertEquals(1, rejects.size(), rejects.toString());
    assertEquals("broken.jpg", rejects.get(0).sourceName);
    assertEquals(3, rejects.get(0).sequence);
    assertTrue(rejects.get(0).reason.contains("broken.jpg"), rejects.get(0).reason);
  }

  /** The library's file source and sink around the operator: the job's layout, pixels. */
  @Test
  void imageFilesInAndOut() throws Exception {
    Path in = dir.resolve("in");
    Files.createDirectories(in.resolve("a"));
    Files.copy(Resources.path("photos/camera.png"), in.resolve("camera.png"));
    Files.copy(Resources.path("photos/coffee.png"), in.resolve("a/coffee.png"));
    Path out = dir.resolve("out");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    DataStream<FrameRecord> frames = env.fromSource(ImageFiles.source(in.toString()).build(),
        WatermarkStrategy.noWatermarks(), "images");
    Upsampling.upscale(frames, "bicubic", 2).sinkTo(ImageFiles.sink(out.toString()));
    env.execute("files");
    Path cmd = dir.resolve("cmd");
    assertEquals(0, run("upscale", "--input", in.toString(), "--output", cmd.toString(),
        "--scale", "2", "--kernel", "bicubic").status());
    for (String p : List.of("camera.png", "a/coffee.png")) {
      assertArrayEquals(ImageCodecs.read(cmd.resolve(p), Long.MAX_VALUE).bytes(),
          ImageCodecs.read(out.resolve(p), Long.MAX_VALUE).bytes(), p);
    }
  }

  /** The library's video source: decoded frames leave the operator as numbered PNGs. */
  @Test
  void videoFramesBecomeNumberedPictures() throws Exception {
    Path clip = dir.resolve("clip.mkv");
    TestVideos.write(clip, "matroska", "ffv1", "bgr0", 6, 48, 32, 25, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    List<FrameRecord> out = collect(Upsampling.upscale(env.fromSource(
        VideoFiles.source(clip.toString()).build(), WatermarkStrategy.noWatermarks(), "video"),
        "nearest", 2));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), out.stream().map(r -> r.sequence).toList(),
        "every frame once, no markers");
    for (FrameRecord r : out) {
      assertEquals(String.format("frame_%08d.png", r.sequence), r.outputName);
      Frame f = ImageCodecs.decode(r.data, Path.of(r.outputName), Long.MAX_VALUE);
      Frame expected = TestVideos.pattern((int) r.sequence, 48, 32);
      assertEquals(96, f.width());
      assertEquals(expected.layout(), f.layout());
      for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 96 * 3; x++) {
          assertEquals(expected.bytes()[(y / 2 * 48 + x / 6) * 3 + x % 3],
              f.bytes()[y * 96 * 3 + x], "lossless in, nearest out: at " + x / 3 + "," + y);
        }
      }
    }
  }

  @Test
  void settingsReachTheOperator() throws Exception {
    FrameRecord f = FrameRecord.encoded("s", 0, "coffee.png",
        Files.readAllBytes(Resources.path("photos/coffee.png")));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    List<FrameRecord> out = collect(Upsampling.with("nearest", 2).scale(3, 2).format("jpg")
        .quality(0.8f).threads(2).parallelism(1).upscale(env.fromData(f)));
    assertEquals(1, out.size());
    assertEquals("coffee.jpg", out.get(0).outputName);
    Frame jpg = ImageCodecs.decode(out.get(0).data, Path.of("coffee.jpg"), Long.MAX_VALUE);
    Frame png = ImageCodecs.read(Resources.path("photos/coffee.png"), Long.MAX_VALUE);
    assertEquals(3 * png.width(), jpg.width());
    assertEquals(2 * png.height(), jpg.height());
  }

  @Test
  void badSettingsAndForeignStreamsAreRefusedWhileTheGraphIsBuilt() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DataStream<FrameRecord> frames = env.fromData(FrameRecord.encoded("s", 0, "a.png",
        new byte[1]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Upsampling.upscale(frames, "no-such-kernel", 2));
    assertTrue(e.getMessage().contains("no-such-kernel"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Upsampling.upscale(frames, "bicubic", 9));
    assertThrows(IllegalArgumentException.class,
        () -> Upsampling.with("bicubic", 2).format("gif").upscale(frames));
    assertThrows(IllegalArgumentException.class,
        () -> Upsampling.with("bicubic", 2).parallelism(0));
    e = assertThrows(IllegalArgumentException.class,
        () -> Upsampling.rejects(frames.filter(r -> true)));
    assertTrue(e.getMessage().contains("Upsampling.upscale"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> FrameRecord.encoded("s", 0, "a.png", null));
  }

  private static List<FrameRecord> collect(DataStream<FrameRecord> s) throws Exception {
    List<FrameRecord> out = new ArrayList<>();
    try (CloseableIterator<FrameRecord> it = s.executeAndCollect()) {
      it.forEachRemaining(out::add);
    }
    out.sort(Comparator.comparingLong(r -> r.sequence));
    return out;
  }
}
