package dev.upsampler.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Video decoding, encoding and joining through JavaCV, on videos the test writes itself. */
class VideoIoTest {
  @TempDir Path dir;

  static List<VideoFrame> readAll(Path file) throws IOException {
    return TestVideos.readAll(file);
  }

  @Test
  void losslessRoundTripIsExactEvenForFramesNarrowerThanTheDecodersRowPadding() throws Exception {
    for (int w : new int[] {40, 64, 98}) {
      Path f = dir.resolve("lossless" + w + ".mkv");
      TestVideos.write(f, "matroska", "ffv1", "bgr0", 12, w, 30, 25, false);
      List<VideoFrame> frames = readAll(f);
      assertEquals(12, frames.size());
      for (int i = 0; i < 12; i++) {
        assertArrayEquals(TestVideos.pattern(i, w, 30).bytes(), frames.get(i).frame().bytes(),
            "width " + w + " frame " + i);
        assertEquals(i, frames.get(i).index());
        assertEquals(i * 40_000L, frames.get(i).timestampMicros(), 1000);
      }
    }
  }

  @Test
  void writerAndReaderAgreeOnFramesAndTimestamps() throws Exception {
    Path f = dir.resolve("out.mkv");
    VideoSettings s = new VideoSettings("matroska", "ffv1", null, 0, -1, 0);
    try (VideoWriter w = VideoWriter.open(f, 48, 32, 30, s)) {
      for (int i = 0; i < 10; i++) {
        // a gap after frame 4: the next frame keeps its own time
        w.write(TestVideos.pattern(i, 48, 32), Math.round((i < 5 ? i : i + 2) * 1e6 / 30));
      }
    }
    List<VideoFrame> frames = readAll(f);
    assertEquals(10, frames.size());
    assertEquals(Math.round(8 * 1e6 / 30), frames.get(6).timestampMicros(), 1000);
    assertArrayEquals(TestVideos.pattern(9, 48, 32).bytes(), frames.get(9).frame().bytes());
  }

  @Test
  void oddSizesArePaddedByRepeatingTheLastColumnAndRow() throws Exception {
    Path f = dir.resolve("odd.mkv");
    VideoSettings s = new VideoSettings("matroska", "ffv1", null, 0, -1, 0);
    try (VideoWriter w = VideoWriter.open(f, 45, 31, 25, s)) {
      w.write(TestVideos.pattern(3, 45, 31), 0);
    }
    dev.upsampler.image.Frame got = readAll(f).get(0).frame();
    assertEquals(46, got.width());
    assertEquals(32, got.height());
    byte[] want = TestVideos.pattern(3, 45, 31).bytes();
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 46; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(want[3 * (Math.min(y, 30) * 45 + Math.min(x, 44)) + c],
              got.bytes()[3 * (y * 46 + x) + c]);
        }
      }
    }
  }

  /** Audio packets in a file, as ffprobe -count_packets counts them. */
  static long audioPackets(Path file) throws Exception {
    return TestVideos.probe(file, g -> {
      org.bytedeco.ffmpeg.avformat.AVFormatContext fc = g.getFormatContext();
      org.bytedeco.ffmpeg.avcodec.AVPacket p = org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc();
      long n = 0;
      while (org.bytedeco.ffmpeg.global.avformat.av_read_frame(fc, p) >= 0) {
        if (fc.streams(p.stream_index()).codecpar().codec_type()
            == org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO) {
          n++;
        }
        org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(p);
      }
      org.bytedeco.ffmpeg.global.avcodec.av_packet_free(p);
      return n;
    });
  }

  @Test
  void segmentsJoinWithTheSourcesAudioCopied() throws Exception {
    Path src = dir.resolve("src.mp4");
    TestVideos.write(src, "mp4", "mpeg4", "yuv420p", 30, 64, 48, 25, true);
    VideoInfo info;
    List<VideoFrame> source = readAll(src); // timestamps as the job sees them
    try (VideoReader r = VideoReader.open(src)) {
      info = r.info();
    }
    assertTrue(info.hasAudio(), info.toString());
    assertEquals("aac", info.audioCodec());

    VideoSettings s = new VideoSettings("matroska", "ffv1", null, 0, -1, 0);
    List<Path> segments = new ArrayList<>();
    for (int seg = 0; seg < 3; seg++) {
      Path p = dir.resolve("seg" + seg + ".mkv");
      try (VideoWriter w = VideoWriter.open(p, 64, 48, 25, s)) {
        for (int i = seg * 10; i < seg * 10 + 10; i++) {
          w.write(TestVideos.pattern(i, 64, 48), source.get(i).timestampMicros());
        }
      }
      segments.add(p);
    }
    // MP4 keeps every audio packet, the AAC priming one before time zero too (edit list).
    long sourcePackets = audioPackets(src);
    Path joinedMp4 = dir.resolve("joined.mp4");
    assertEquals(sourcePackets, VideoMuxer.join(segments, src.toString(), joinedMp4, "mp4"));
    assertEquals(sourcePackets, audioPackets(joinedMp4), "every audio packet, priming included");
    assertEquals(30, readAll(joinedMp4).size());
    Path joined = dir.resolve("joined.mkv");
    long audio = VideoMuxer.join(segments, src.toString(), joined, "matroska");
    assertTrue(audio > 20, "audio packets copied: " + audio);
    assertEquals(sourcePackets - 1, audio, "Matroska drops only the packet before time zero");
    try (VideoReader r = VideoReader.open(joined)) {
      assertTrue(r.info().hasAudio());
      assertEquals("aac", r.info().audioCodec());
    }
    List<VideoFrame> frames = readAll(joined);
    assertEquals(30, frames.size());
    for (int i = 0; i < 30; i++) {
      assertEquals(source.get(i).timestampMicros(), frames.get(i).timestampMicros(), 1000,
          "frame " + i);
      assertArrayEquals(TestVideos.pattern(i, 64, 48).bytes(), frames.get(i).frame().bytes());
    }
  }

  @Test
  void badVideosAreRefusedWithTheirNameAndCause() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    IOException e = assertThrows(IOException.class, () -> VideoReader.open(empty));
    assertTrue(e.getMessage().startsWith(empty + ": empty file"), e.getMessage());

    Path garbage = dir.resolve("garbage.mkv");
    Files.write(garbage, "this is not a video at all, just some text".repeat(50).getBytes());
    e = assertThrows(IOException.class, () -> VideoReader.open(garbage));
    assertTrue(e.getMessage().startsWith(garbage + ": cannot be opened as a video"),
        e.getMessage());

    Path good = dir.resolve("good.mkv");
    TestVideos.write(good, "matroska", "ffv1", "bgr0", 20, 64, 48, 25, false);
    byte[] all = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.mkv");
    Files.write(truncated, java.util.Arrays.copyOf(all, all.length / 2));
    List<VideoFrame> some = readAll(truncated);
    assertFalse(some.isEmpty());
    assertTrue(some.size() < 20, "a truncated file ends early: " + some.size());
    assertArrayEquals(TestVideos.pattern(0, 64, 48).bytes(), some.get(0).frame().bytes());

    IllegalArgumentException u = assertThrows(IllegalArgumentException.class,
        () -> new VideoSettings("mp4", "libx264", null, 0, -1, 0).validate());
    assertTrue(u.getMessage().contains("unknown video encoder 'libx264'"), u.getMessage());
    assertThrows(InvalidInputException.class, () -> VideoSettings.forOutput(Path.of("a.txt")));
  }

  /** Planar 4:2:0 in and out, losslessly (ffv1 in yuv420p), at widths with padded rows. */
  @Test
  void planarFramesRoundTripExactlyWhateverTheRowPadding() throws Exception {
    for (int w : new int[] {98, 240, 256}) {
      int h = 36;
      java.util.Random rnd = new java.util.Random(w);
      List<dev.upsampler.image.Frame> sent = new ArrayList<>();
      Path f = dir.resolve("yuv" + w + ".mkv");
      VideoSettings s = new VideoSettings("matroska", "ffv1", "yuv420p", 0, -1, 0);
      try (VideoWriter out = VideoWriter.open(f, w, h, 25, s)) {
        for (int i = 0; i < 5; i++) {
          byte[] px = new byte[w * h + 2 * (w / 2) * (h / 2)];
          rnd.nextBytes(px);
          dev.upsampler.image.Frame frame = dev.upsampler.image.Frame.of8(
              dev.upsampler.image.PixelLayout.YUV420P, w, h, px,
              dev.upsampler.image.FrameInfo.NONE);
          out.write(frame, i * 40_000L);
          sent.add(frame);
        }
      }
      try (VideoReader r = VideoReader.open(f.toString(), java.time.Duration.ZERO, true)) {
        for (int i = 0; i < 5; i++) {
          VideoFrame got = r.next();
          assertEquals(dev.upsampler.image.PixelLayout.YUV420P, got.frame().layout());
          assertArrayEquals(sent.get(i).bytes(), got.frame().bytes(), "width " + w + " frame "
              + i);
        }
      }
    }
  }
}
