package dev.upsampler.flink.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.MediaFileFilter;
import dev.upsampler.flink.RejectsSink;
import dev.upsampler.flink.UpscaleJob;
import dev.upsampler.flink.VideoJoinCommitter;
import dev.upsampler.flink.VideoSink;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.io.chunks.ChunkPlan;
import dev.upsampler.io.chunks.ChunkTranscoder;
import dev.upsampler.io.chunks.VideoChunk;
import java.util.function.UnaryOperator;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.io.KeyframeIndex;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoInfo;
import dev.upsampler.io.VideoReader;
import dev.upsampler.testing.FailOnceSink;
import dev.upsampler.testing.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Video files cut into chunks over two subtasks, on a MiniCluster. */
class ChunkedVideoITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  static JobDefinition job(Path in, Path out, String... settings) throws IOException {
    Map<String, String> v = new HashMap<>(Map.of("input", in.toString(), "output",
        out.toString(), "kernel", "nearest", "scale", "2", "parallelism", "2",
        "checkpoint-interval", "0", "chunk-seconds", "0.8"));
    for (int i = 0; i < settings.length; i += 2) {
      v.put(settings[i], settings[i + 1]);
    }
    return JobDefinition.of(v);
  }

  static void run(JobDefinition def) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        UpscaleJob.configuration(def));
    assertTrue(UpscaleJob.chunked(def));
    UpscaleJob.build(env, def);
    env.execute("chunked video test");
  }

  static void assertUpscaledExactly(Path in, Path out) throws IOException {
    assertUpscaledExactly(in, out, "nearest");
  }

  static void assertUpscaledExactly(Path in, Path out, String kernel) throws IOException {
    List<VideoFrame> source = TestVideos.readAll(in);
    List<VideoFrame> got = TestVideos.readAll(out);
    Upscaler up = new Upscaler(KernelFiles.resolve(kernel, new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    assertEquals(source.size(), got.size(), "frame count");
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).timestampMicros(), got.get(i).timestampMicros(),
          "timestamp of frame " + i);
      assertArrayEquals(up.apply(source.get(i).frame()).bytes(), got.get(i).frame().bytes(),
          "pixels of frame " + i);
    }
  }

  static List<String> names(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void oneVideoOverTwoSubtasksIsTheSourceUpscaledFrameForFrameWithItsAudio() throws Exception {
    Path in = dir.resolve("clip.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 100, 96, 64, 25, true);
    Path out = dir.resolve("out/clip-x2.mkv");
    run(job(in, out, "video-codec", "ffv1"));
    assertUpscaledExactly(in, out);
    try (VideoReader r = VideoReader.open(out)) {
      assertTrue(r.info().hasAudio(), "audio copied once: " + r.info());
    }
    assertEquals(List.of("clip-x2.mkv"), names(out.getParent()), "no segment left");
  }

  @Test
  void segmentsWaitInTheWorkDirWhenOneIsNamedAndAreGoneAfterTheJoin() throws Exception {
    Path in = dir.resolve("w.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 60, 64, 48, 25, false);
    Path work = dir.resolve("scratch");
    Path out = dir.resolve("out/w-x2.mkv");
    run(job(in, out, "video-codec", "ffv1", "work-dir", work.toString()));
    assertUpscaledExactly(in, out);
    assertEquals(List.of("w-x2.mkv"), names(out.getParent()), "nothing beside the output");
    assertEquals(List.of(), names(work), "the segments' folder went after the join");
  }

  @Test
  void aLossyClipWithBFramesKeepsEveryTimestampAcrossChunks() throws Exception {
    Path in = dir.resolve("b.mp4");
    TestVideos.write(in, "mp4", "mpeg4", "yuv420p", 100, 96, 64, 25, true, 12, 2);
    Path out = dir.resolve("out/b-x2.mp4");
    run(job(in, out, "video-quality", "2"));
    long[] source = KeyframeIndex.read(in).framePts();
    long[] got = KeyframeIndex.read(out).framePts();
    assertArrayEquals(source, got, "every presentation time, once, in order");
    VideoInfo o;
    try (VideoReader r = VideoReader.open(out)) {
      o = r.info();
    }
    assertEquals(192, o.width());
    assertTrue(o.hasAudio(), o.toString());
  }

  @Test
  void severalVideosAreEachCutAndEachComesOut() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    TestVideos.write(in.resolve("a.mkv"), "matroska", "ffv1", "bgr0", 60, 64, 48, 25, false);
    TestVideos.write(in.resolve("b.mkv"), "matroska", "ffv1", "bgr0", 45, 48, 32, 25, true);
    Path out = dir.resolve("out/{stream}-x2.mkv");
    run(job(in, out, "video-codec", "ffv1", "source", "video"));
    assertUpscaledExactly(in.resolve("a.mkv"), dir.resolve("out/a-x2.mkv"));
    assertUpscaledExactly(in.resolve("b.mkv"), dir.resolve("out/b-x2.mkv"));
    assertEquals(List.of("a-x2.mkv", "b-x2.mkv"), names(dir.resolve("out")));
  }

  @Test
  void aFailureAfterACheckpointRedoesOnlyUnfinishedChunksAndTheVideoComesOutOnce()
      throws Exception {
    // Enough work (lanczos3 on 320x240, one thread) that checkpoints every 200 ms fall between
    // chunks on any machine: the failure waits for one.
    Path in = dir.resolve("long.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 150, 320, 240, 25, true);
    Path out = dir.resolve("out/long-x2.mkv");
    JobDefinition def = job(in, out, "video-codec", "ffv1", "checkpoint-interval", "1",
        "chunk-seconds", "0.5", "kernel", "lanczos3");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        UpscaleJob.configuration(def));
    env.getCheckpointConfig().setCheckpointInterval(200);
    FailOnceSink.reset();
    // The real segment sink, except that its writer throws once, at the 3rd chunk or later,
    // after a checkpoint.
    ChunkedVideoPipeline.build(env, def, MediaFileFilter.videos(),
        new FailOnceSink<ChunkSegment, ChunkSegment, VideoSink.Join>(new SegmentJoinSink(),
            s -> true, 3, true), new RejectsSink(def.reportDirectory()));
    env.execute("chunked failure test");
    assertTrue(FailOnceSink.FAILED.get(), "the failure happened");
    assertUpscaledExactly(in, out, "lanczos3");
    assertEquals(List.of("long-x2.mkv"), names(out.getParent()));
  }

  @Test
  void theJoinStepsOverAChunkWithNoFrame() throws Exception {
    Path in = dir.resolve("v.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 75, 64, 48, 25, true);
    List<VideoChunk> chunks = ChunkPlan.cut(KeyframeIndex.read(in), 0.9).chunks();
    assertEquals(3, chunks.size());
    org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(
        Files.createDirectories(dir.resolve("out")).resolve("v-x2.mkv").toString());
    Files.createDirectories(Path.of(VideoSink.segmentDir(target).getPath()));
    ChunkTranscoder t = new ChunkTranscoder(UnaryOperator.identity(), (w, h) -> new int[] {w, h},
        new VideoSettings("nut", "ffv1", "bgr0", 0, -1, 0), false, 1 << 24, 1, 25);
    SegmentJoinSink.Writer w = new SegmentJoinSink.Writer(List.of());
    for (VideoChunk c : chunks) {
      ChunkSegment s = new ChunkSegment();
      s.stream = "v";
      s.target = target.toString();
      s.segmentDir = VideoSink.segmentDir(target).toString();
      s.origin = in.toString();
      s.container = "matroska";
      s.index = c.index();
      s.count = c.count();
      s.expectedFrames = c.frames();
      if (c.index() == 1) {
        s.error = "no frame of " + c + " could be decoded";
      } else {
        s.frames = t.transcode(in.toString(), c,
            Path.of(VideoSink.segment(target, c.index() + 1).getPath())).frames();
      }
      w.write(s, null);
    }
    List<VideoSink.Join> joins = List.copyOf(w.prepareCommit());
    assertEquals(1, joins.size(), "one video, complete");
    new VideoJoinCommitter().commit(List.of(new Request(joins.get(0))));
    List<VideoFrame> got = TestVideos.readAll(Path.of(target.getPath()));
    assertEquals(chunks.get(0).frames() + chunks.get(2).frames(), got.size());
    assertEquals(chunks.get(2).startMicros(),
        got.get((int) chunks.get(0).frames()).timestampMicros(), "chunk 3 keeps its times");
  }

  /** A commit request as Flink hands it to the committer. */
  private record Request(VideoSink.Join join) implements Committer.CommitRequest<VideoSink.Join> {
    public VideoSink.Join getCommittable() {
      return join;
    }

    public int getNumberOfRetries() {
      return 0;
    }

    public void signalFailedWithKnownReason(Throwable t) {
      throw new AssertionError(t);
    }

    public void signalFailedWithUnknownReason(Throwable t) {
      throw new AssertionError(t);
    }

    public void retryLater() {
      throw new AssertionError("retry");
    }

    public void updateAndRetryLater(VideoSink.Join j) {
      throw new AssertionError("retry");
    }

    public void signalAlreadyCommitted() {
      throw new AssertionError("already committed");
    }
  }
}
