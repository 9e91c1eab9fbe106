package dev.upsampler.io.chunks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.io.KeyframeIndex;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.testing.TestVideos;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cutting at keyframes loses and repeats nothing: the frames of every chunk, transcoded with the
 * identity into lossless segments and read back, are the file's frames, each once, same pixels,
 * same timestamps; B-frames and open GOPs included, in a container that seeks by index (MP4) and
 * one that seeks by searching (MPEG-TS).
 */
class ChunkTranscoderTest {
  @TempDir Path dir;

  private static final VideoSettings LOSSLESS =
      new VideoSettings("nut", "ffv1", "yuv420p", 0, -1, 0);

  @Test
  void chunksOfAnMp4WithBFramesHoldEveryFrameOnce() throws Exception {
    Path in = dir.resolve("b.mp4");
    TestVideos.write(in, "mp4", "mpeg4", "yuv420p", 75, 96, 64, 25, true, 12, 2);
    assertChunksRebuildTheFile(in, 0.4);
  }

  @Test
  void chunksOfAnMpegTsWithBFramesHoldEveryFrameOnce() throws Exception {
    Path in = dir.resolve("b.ts");
    TestVideos.write(in, "mpegts", "mpeg4", "yuv420p", 75, 96, 64, 25, false, 10, 2);
    assertChunksRebuildTheFile(in, 0.4);
  }

  @Test
  void aFileWithOneKeyframeIsOneChunkAndSaysWhy() throws Exception {
    Path in = dir.resolve("one.mp4");
    TestVideos.write(in, "mp4", "mpeg4", "yuv420p", 30, 64, 48, 25, false, 1000, 0);
    ChunkPlan plan = ChunkPlan.cut(KeyframeIndex.read(in), 0.2);
    assertEquals(1, plan.chunks().size());
    assertTrue(plan.whyWhole().contains("no usable keyframe index"), plan.whyWhole());
    assertEquals(30, plan.chunks().get(0).frames());
  }

  @Test
  void cutsLandOnKeyframesAndAShortTailJoinsTheChunkBeforeIt() throws Exception {
    Path in = dir.resolve("gop.mp4");
    TestVideos.write(in, "mp4", "mpeg4", "yuv420p", 110, 64, 48, 25, false, 25, 0);
    KeyframeIndex index = KeyframeIndex.read(in);
    assertEquals(5, index.keyframes().size()); // 0, 1, 2, 3, 4 s
    ChunkPlan plan = ChunkPlan.cut(index, 2);
    assertNull(plan.whyWhole());
    // cuts at 2 s; at 4 s only 0.36 s would be left, less than half a chunk
    assertEquals(2, plan.chunks().size(), plan.chunks().toString());
    assertEquals(2_000_000, plan.chunks().get(1).startMicros());
    assertEquals(50, plan.chunks().get(0).frames());
    assertEquals(60, plan.chunks().get(1).frames());
    assertEquals(1, ChunkPlan.cut(index, 0).chunks().size(), "chunk-seconds 0: off");
  }

  @Test
  void aFileThatIsNotAVideoFailsNamingIt() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.mp4"), "not a video at all");
    IOException e = assertThrows(IOException.class, () -> KeyframeIndex.read(bad));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
    ChunkTranscoder t = new ChunkTranscoder(UnaryOperator.identity(), (w, h) -> new int[] {w, h}, LOSSLESS, true, 1 << 24, 1, 25);
    e = assertThrows(IOException.class, () -> t.transcode(bad.toString(), VideoChunk.whole(-1),
        dir.resolve("seg.nut")));
    assertTrue(e.getMessage().contains(bad.toString()), e.getMessage());
  }

  private void assertChunksRebuildTheFile(Path in, double chunkSeconds) throws Exception {
    KeyframeIndex index = KeyframeIndex.read(in);
    assertTrue(index.reordered(), "the clip has B-frames (shown in another order than decoded)");
    ChunkPlan plan = ChunkPlan.cut(index, chunkSeconds);
    assertTrue(plan.chunks().size() >= 4, "cut into several chunks: " + plan);
    List<VideoFrame> whole = readYuv(in);
    assertEquals(whole.size(), plan.chunks().stream().mapToLong(VideoChunk::frames).sum(),
        "the chunks' frame counts add up to the file's");
    ChunkTranscoder t = new ChunkTranscoder(UnaryOperator.identity(), (w, h) -> new int[] {w, h}, LOSSLESS, true, 1 << 24, 1, 25);
    List<VideoFrame> rebuilt = new ArrayList<>();
    for (VideoChunk c : plan.chunks()) {
      Path seg = dir.resolve("seg-" + c.index() + ".nut");
      ChunkTranscoder.Result r = t.transcode(in.toString(), c, seg);
      assertEquals(c.frames(), r.frames(), c + ": frames");
      assertNull(r.endedEarly());
      rebuilt.addAll(readYuv(seg));
    }
    assertEquals(whole.size(), rebuilt.size(), "frame count");
    for (int i = 0; i < whole.size(); i++) {
      assertEquals(whole.get(i).timestampMicros(), rebuilt.get(i).timestampMicros(),
          "timestamp of frame " + i);
      assertArrayEquals(whole.get(i).frame().bytes(), rebuilt.get(i).frame().bytes(),
          "pixels of frame " + i);
    }
  }

  private static List<VideoFrame> readYuv(Path file) throws IOException {
    List<VideoFrame> out = new ArrayList<>();
    try (VideoReader r = VideoReader.open(file.toString(), Duration.ZERO, true)) {
      for (VideoFrame f = r.next(); f != null; f = r.next()) {
        out.add(f);
      }
    }
    return out;
  }
}
