package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
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
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The video job on a MiniCluster, on videos the tests write themselves. */
class VideoJobITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  static List<VideoFrame> readAll(Path file) throws IOException {
    return TestVideos.readAll(file);
  }

  static VideoInfo info(Path file) throws IOException {
    try (VideoReader r = VideoReader.open(file)) {
      return r.info();
    }
  }

  static JobDefinition job(Path in, Path out, String... settings) throws IOException {
    Map<String, String> v = new HashMap<>(Map.of("input", in.toString(), "output",
        out.toString(), "kernel", "nearest", "scale", "2", "parallelism", "2",
        "checkpoint-interval", "0"));
    for (int i = 0; i < settings.length; i += 2) {
      v.put(settings[i], settings[i + 1]);
    }
    return JobDefinition.of(v);
  }

  static void run(JobDefinition def) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    env.execute("video test");
  }

  static void assertUpscaledExactly(List<VideoFrame> source, List<VideoFrame> out, String kernel)
      throws IOException {
    Upscaler up = new Upscaler(KernelFiles.resolve(kernel, new dev.upsampler.engine.Size2(2, 2)),
        ColorMode.RGB, Parallelism.inline());
    assertEquals(source.size(), out.size(), "frame count");
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).timestampMicros(), out.get(i).timestampMicros(), 1000,
          "timestamp of frame " + i);
      assertArrayEquals(up.apply(source.get(i).frame()).bytes(), out.get(i).frame().bytes(),
          "pixels of frame " + i);
    }
  }

  @Test
  void losslessVideoComesOutPixelExactWithItsTimestampsAndAudio() throws Exception {
    Path in = dir.resolve("clip.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 40, 96, 64, 25, true);
    for (String parallelism : new String[] {"1", "2"}) { // chained as is; reordered
      Path out = dir.resolve("out" + parallelism + "/clip-x2.mkv");
      run(job(in, out, "video-codec", "ffv1", "parallelism", parallelism, "threads", "2"));
      assertUpscaledExactly(readAll(in), readAll(out), "nearest");
      VideoInfo o = info(out);
      assertTrue(o.hasAudio(), "the audio track is copied: " + o);
      assertEquals("ffv1", o.codec());
      try (Stream<Path> s = Files.list(out.getParent())) {
        assertEquals(List.of("clip-x2.mkv"), s.map(p -> p.getFileName().toString())
            .collect(Collectors.toList()), "no segments or temporary files left");
      }
    }
  }

  @Test
  void aClipWithDroppedFramesKeepsEveryTimestamp() throws Exception {
    // 30 fps with frames 20-39 missing: 40 frames over 2 s average 20 fps, which is no grid
    // the timestamps lie on (the output used to be re-gridded at the average).
    Path in = dir.resolve("gapped.mp4");
    try (dev.upsampler.io.VideoWriter w = dev.upsampler.io.VideoWriter.open(in, 96, 64, 30,
        dev.upsampler.io.VideoSettings.forOutput(in))) {
      for (int i = 0; i < 60; i++) {
        if (i < 20 || i >= 40) {
          w.write(TestVideos.pattern(i, 96, 64), Math.round(i * 1e6 / 30));
        }
      }
    }
    List<VideoFrame> source = readAll(in);
    assertEquals(40, source.size());
    assertTrue(Math.abs(source.get(20).timestampMicros() - 1_333_333) < 1000,
        "the source has its gap: " + source.get(20).timestampMicros());
    for (String parallelism : new String[] {"1", "2"}) {
      assertSameTimestamps(source, in, dir.resolve("gapped" + parallelism + "-x2.mp4"),
          parallelism);
    }
  }

  @Test
  void aVariableFrameRateClipKeepsEveryTimestamp() throws Exception {
    // Frames 1/60 s, 2/60 s or 3/60 s apart, as a phone's camera delivers them.
    Path in = dir.resolve("vfr.mp4");
    int[] steps = {1, 2, 3, 2, 1, 1, 3, 3, 2, 1};
    try (dev.upsampler.io.VideoWriter w = dev.upsampler.io.VideoWriter.open(in, 96, 64, 60,
        dev.upsampler.io.VideoSettings.forOutput(in))) {
      long tick = 0;
      for (int i = 0; i < 40; i++) {
        w.write(TestVideos.pattern(i, 96, 64), Math.round(tick * 1e6 / 60));
        tick += steps[i % steps.length];
      }
    }
    List<VideoFrame> source = readAll(in);
    assertEquals(40, source.size());
    assertSameTimestamps(source, in, dir.resolve("vfr-x2.mp4"), "2");
  }

  private void assertSameTimestamps(List<VideoFrame> source, Path in, Path out,
      String parallelism) throws Exception {
    run(job(in, out, "parallelism", parallelism));
    List<VideoFrame> up = readAll(out);
    assertEquals(source.size(), up.size(), "frame count");
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).timestampMicros(), up.get(i).timestampMicros(),
          "timestamp of frame " + i + " at parallelism " + parallelism);
    }
  }

  /** What a container's header says about its video stream, as ffprobe reads it. */
  record Header(double avgFrameRate, double realFrameRate, long frames) {}

  static double rate(org.bytedeco.ffmpeg.avutil.AVRational r) {
    return r.den() == 0 ? 0 : (double) r.num() / r.den();
  }

  static Header header(Path file) throws Exception {
    return TestVideos.probe(file, g -> {
      org.bytedeco.ffmpeg.avformat.AVFormatContext fc = g.getFormatContext();
      for (int i = 0; i < fc.nb_streams(); i++) {
        org.bytedeco.ffmpeg.avformat.AVStream st = fc.streams(i);
        if (st.codecpar().codec_type() == org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO) {
          return new Header(rate(st.avg_frame_rate()), rate(st.r_frame_rate()), st.nb_frames());
        }
      }
      throw new AssertionError(file + " has no video stream");
    });
  }

  @Test
  void aPhoneClipKeepsItsRotation() throws Exception {
    Path in = dir.resolve("phone.mp4");
    org.bytedeco.ffmpeg.global.avutil.av_log_set_level(
        org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    try (org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(
        in.toFile(), 64, 48, 0)) {
      r.setFormat("mp4");
      r.setVideoCodecName("mpeg4");
      r.setFrameRate(25);
      r.setDisplayRotation(90);
      r.start();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(3 * 64 * 48);
      for (int i = 0; i < 10; i++) {
        buf.clear();
        buf.put(TestVideos.pattern(i, 64, 48).bytes()).flip();
        r.recordImage(64, 48, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3, 3 * 64,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24, buf);
      }
      r.stop();
    }
    double source = rotation(in);
    assertEquals(90, Math.abs(source), 0.01, "the source is rotated");
    for (String ext : new String[] {"mp4", "mov"}) {
      Path out = dir.resolve("phone-x2." + ext);
      run(job(in, out, "parallelism", "1"));
      assertEquals(source, rotation(out), 0.01, ext + ": display rotation kept");
      assertEquals(10, readAll(out).size());
    }
  }

  static double rotation(Path file) throws Exception {
    return TestVideos.probe(file, g -> g.getDisplayRotation());
  }

  @Test
  void everyContainerSaysItsFrameRateAndFrameCount() throws Exception {
    Path in = dir.resolve("src.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 20, 64, 48, 25, false);
    for (String ext : new String[] {"mp4", "mkv", "webm", "mov", "avi", "ts"}) {
      Path out = dir.resolve("c-x2." + ext);
      run(job(in, out, "parallelism", "1"));
      assertEquals(20, readAll(out).size(), ext + ": frames decoded");
      Header h = header(out);
      if (!ext.equals("ts")) { // MPEG-TS has no frame-rate field, only timestamps
        assertEquals(25, h.avgFrameRate(), 0.5, ext + ": average frame rate in the header");
      }
      assertEquals(25, h.realFrameRate(), 0.5, ext + ": the rate its timestamps lie on");
      if (h.frames() > 0) { // containers that store a count (MP4, MOV, AVI)
        assertEquals(20, h.frames(), ext + ": frame count in the header");
      }
    }
  }

  @Test
  void lossyVideoKeepsFrameCountOrderTimestampsAndAudio() throws Exception {
    Path in = dir.resolve("talk.mp4");
    TestVideos.write(in, "mp4", "mpeg4", "yuv420p", 50, 120, 96, 30, true); // padded rows
    Path out = dir.resolve("talk-x2.mp4");
    run(job(in, out, "kernel", "bilinear"));

    List<VideoFrame> src = readAll(in);
    List<VideoFrame> got = readAll(out);
    assertEquals(src.size(), got.size());
    for (int i = 0; i < src.size(); i++) {
      assertEquals(src.get(i).timestampMicros(), got.get(i).timestampMicros(), 1000);
      assertEquals(240, got.get(i).frame().width());
    }
    VideoInfo o = info(out);
    assertTrue(o.hasAudio(), o.toString());
    assertEquals("mpeg4", o.codec());
    // Order: each output frame is closest to the upscaled source frame of the same index.
    Upscaler up = new Upscaler(KernelFiles.resolve("bilinear", new dev.upsampler.engine.Size2(2,
        2)), ColorMode.RGB, Parallelism.inline());
    for (int i : new int[] {0, 17, 49}) {
      double same = dev.upsampler.image.Quality.psnrRgb(up.apply(src.get(i).frame()),
          got.get(i).frame(), 0);
      double next = dev.upsampler.image.Quality.psnrRgb(up.apply(src.get((i + 7) % 50).frame()),
          got.get(i).frame(), 0);
      // Lossy twice (mpeg4 in, mpeg4 out) with 4:2:0 chroma on a sharp synthetic checkerboard:
      // ~28 dB against the RGB-path reference; another frame scores ~7 dB.
      assertTrue(same > 25 && same > next + 10, "frame " + i + ": " + same + " vs " + next);
    }
  }

  @Test
  void videoToNumberedPngFrames() throws Exception {
    Path in = dir.resolve("clip.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 12, 64, 48, 25, false);
    Path out = dir.resolve("frames");
    run(job(in, out));
    List<VideoFrame> src = readAll(in);
    Upscaler up = new Upscaler(KernelFiles.resolve("nearest", new dev.upsampler.engine.Size2(2,
        2)), ColorMode.RGB, Parallelism.inline());
    for (int i = 0; i < 12; i++) {
      Path f = out.resolve("clip").resolve(String.format("frame_%08d.png", i));
      Frame got = ImageCodecs.decode(Files.readAllBytes(f), f, Long.MAX_VALUE);
      assertArrayEquals(up.apply(src.get(i).frame()).bytes(), got.bytes(), f.toString());
    }
    try (Stream<Path> s = Files.list(out.resolve("clip"))) {
      assertEquals(12, s.count());
    }
  }

  @Test
  void aTruncatedVideoGivesTheFramesItHas() throws Exception {
    Path good = dir.resolve("good.mkv");
    TestVideos.write(good, "matroska", "ffv1", "bgr0", 30, 64, 48, 25, false);
    byte[] all = Files.readAllBytes(good);
    Path in = dir.resolve("cut.mkv");
    Files.write(in, java.util.Arrays.copyOf(all, all.length * 2 / 3));
    Path out = dir.resolve("cut-x2.mkv");
    run(job(in, out, "video-codec", "ffv1"));
    List<VideoFrame> src = readAll(in);
    assertTrue(src.size() > 5 && src.size() < 30, "decodable part: " + src.size());
    assertUpscaledExactly(src, readAll(out), "nearest");
  }

  @Test
  void aBrokenVideoIsReportedAndTheOthersStillComeOut() throws Exception {
    Path videos = Files.createDirectories(dir.resolve("videos"));
    TestVideos.write(videos.resolve("a.mkv"), "matroska", "ffv1", "bgr0", 10, 64, 48, 25, false);
    Files.write(videos.resolve("b.mkv"), "not a video".repeat(100).getBytes());
    Files.createFile(videos.resolve("c.mp4"));
    Path out = dir.resolve("out/{stream}-x2.mkv");
    run(job(videos, out, "source", "video", "video-codec", "ffv1"));
    assertEquals(10, readAll(dir.resolve("out/a-x2.mkv")).size());
    assertFalse(Files.exists(dir.resolve("out/b-x2.mkv")));
    String report = Files.readString(dir.resolve("out").resolve(RejectsSink.FILE));
    assertTrue(report.contains("b.mkv: cannot be opened as a video"), report);
    assertTrue(report.contains("c.mp4"), report);
  }

  @Test
  void aResolutionChangeMidStreamEndsTheStreamWithAReport() throws Exception {
    Path a = dir.resolve("a.ts");
    Path b = dir.resolve("b.ts");
    TestVideos.write(a, "mpegts", "mpeg4", "yuv420p", 20, 64, 48, 25, false);
    TestVideos.write(b, "mpegts", "mpeg4", "yuv420p", 20, 96, 64, 25, false);
    Path in = dir.resolve("changing.ts"); // MPEG-TS concatenates byte for byte
    byte[] joined = new byte[(int) (Files.size(a) + Files.size(b))];
    System.arraycopy(Files.readAllBytes(a), 0, joined, 0, (int) Files.size(a));
    System.arraycopy(Files.readAllBytes(b), 0, joined, (int) Files.size(a), (int) Files.size(b));
    Files.write(in, joined);
    Path out = dir.resolve("changing-x2.mp4");
    run(job(in, out));
    List<VideoFrame> got = readAll(out);
    assertTrue(got.size() >= 15 && got.size() <= 20, "the first part: " + got.size());
    assertEquals(128, got.get(0).frame().width());
    String report = Files.readString(dir.resolve(RejectsSink.FILE));
    assertTrue(report.contains("the resolution changed from 64x48 to 96x64"), report);
  }

  @Test
  void aFailureMidStreamRestoresFromTheCheckpointWithEveryFrameExactlyOnce() throws Exception {
    Path in = dir.resolve("long.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 120, 64, 48, 40, true);
    for (String parallelism : new String[] {"1", "2"}) { // chained as is; reordered
      FailOnceSink.reset();
      Path out = dir.resolve("out" + parallelism + "/long-x2.mkv");
      JobDefinition def = job(in, out, "video-codec", "ffv1", "checkpoint-interval", "1",
          "realtime", "true", "parallelism", parallelism);
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
          UpscaleJob.configuration(def));
      env.getCheckpointConfig().setCheckpointInterval(300);
      // The real video sink, except that its writer throws once, after the 70th frame.
      UpscaleJob.build(env, def, new FailOnceSink<FrameRecord, VideoSink.StreamState,
          VideoSink.Join>(new VideoSink(def.output(), def.video().encoderFor(def.output()), 25),
          r -> !r.isMarker(), 70, false), new RejectsSink(def.reportDirectory()));
      env.execute("video failure test");

      assertTrue(FailOnceSink.FAILED.get(), "the failure happened");
      assertTrue(FailOnceSink.WRITTEN.get() > 120, "frames were written again after"
          + " the restore: " + FailOnceSink.WRITTEN.get());
      assertUpscaledExactly(readAll(in), readAll(out), "nearest");
      assertTrue(info(out).hasAudio());
      try (Stream<Path> s = Files.list(out.getParent())) {
        assertEquals(List.of("long-x2.mkv"), s.map(p -> p.getFileName().toString())
            .collect(Collectors.toList()));
      }
    }
  }


  @Test
  void aLiveUdpStreamIsUpscaledWhileItPlays() throws Exception {
    int port;
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0,
        java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String url = "udp://127.0.0.1:" + port;
    Path out = dir.resolve("live-x2.mkv");
    JobDefinition def = job(Path.of("unused"), out, "input", url, "video-codec", "ffv1",
        "read-timeout", "2", "reconnect-attempts", "1", "checkpoint-interval", "1",
        "segments", "true");
    assertEquals(VideoOptions.Source.LIVE, def.source());
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    var client = env.executeAsync("live test");

    // UDP frames sent before the source listens are lost: wait until the job runs, then a
    // moment for the reader to open the socket.
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (client.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Thread.sleep(1000);
    int sent = 100;
    try (org.bytedeco.javacv.FFmpegFrameRecorder r = new org.bytedeco.javacv.FFmpegFrameRecorder(
        url + "?pkt_size=1316", 96, 64, 0)) {
      r.setFormat("mpegts");
      r.setVideoCodecName("mpeg4");
      r.setPixelFormat(org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(25);
      r.setGopSize(10);
      r.setVideoQuality(2);
      r.start();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(3 * 96 * 64);
      long t0 = System.nanoTime();
      for (int i = 0; i < sent; i++) {
        buf.clear();
        buf.put(TestVideos.pattern(i, 96, 64).bytes()).flip();
        r.recordImage(96, 64, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3, 3 * 96,
            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_RGB24, buf);
        long due = t0 + (i + 1) * 40_000_000L; // 25 fps, as a camera sends it
        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
      }
      r.stop();
    }
    var result = client.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);

    List<VideoFrame> got = readAll(out);
    System.out.println("live over UDP: " + got.size() + " of " + sent + " frames upscaled");
    assertTrue(got.size() >= sent / 2 && got.size() <= sent, "frames received: " + got.size());
    for (int i = 1; i < got.size(); i++) {
      assertTrue(got.get(i).timestampMicros() > got.get(i - 1).timestampMicros(),
          "timestamps rise at " + i);
      assertEquals(192, got.get(i).frame().width());
    }
    // Segments were published as the stream played, one per checkpoint, and hold every frame.
    List<Path> segments;
    try (Stream<Path> s = Files.list(dir)) {
      segments = s.filter(p -> p.getFileName().toString().matches("live-x2-\\d{6}\\.mkv"))
          .sorted().collect(Collectors.toList());
    }
    assertTrue(segments.size() >= 2, "segments published: " + segments);
    int inSegments = 0;
    for (Path seg : segments) {
      inSegments += readAll(seg).size();
    }
    assertEquals(got.size(), inSegments, "the segments hold the same frames as the whole video");
    Map<?, ?> latency = (Map<?, ?>) result.getAllAccumulatorResults().get(
        ReorderFunction.LATENCY);
    long measured = latency.values().stream().mapToLong(v -> ((Integer) v).longValue()).sum();
    assertEquals(got.size(), measured, "every frame's latency measured");
  }
}
