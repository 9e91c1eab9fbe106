package dev.upsampler.io.chunks;

import dev.upsampler.io.KeyframeIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a video into chunks of about {@code chunkSeconds} at keyframes (a cut anywhere else would
 * need frames from before it). A tail shorter than half a chunk joins the chunk before it.
 *
 * @param whyWhole why the video stays one chunk, or null when it was cut
 */
public record ChunkPlan(List<VideoChunk> chunks, String whyWhole) {

  public static ChunkPlan cut(KeyframeIndex index, double chunkSeconds) {
    long frames = index.framePts().length;
    if (!(chunkSeconds > 0)) {
      return whole(frames, "chunking is off (chunk-seconds: 0)");
    }
    if (!index.seekable()) {
      return whole(frames, "the input cannot seek");
    }
    if (index.keyframes().size() < 2) {
      return whole(frames, "no usable keyframe index (" + index.keyframes().size()
          + " keyframe(s) found)");
    }
    long step = Math.round(chunkSeconds * 1e6);
    long last = index.lastPtsMicros();
    List<KeyframeIndex.Keyframe> cuts = new ArrayList<>();
    long from = index.framePts()[0];
    for (KeyframeIndex.Keyframe k : index.keyframes()) {
      long t = k.ptsMicros();
      if (t - from >= step && last - t >= step / 2) {
        cuts.add(k);
        from = t;
      }
    }
    if (cuts.isEmpty()) {
      return whole(frames, "shorter than one and a half chunks");
    }
    List<VideoChunk> chunks = new ArrayList<>();
    int count = cuts.size() + 1;
    long start = Long.MIN_VALUE;
    long seek = VideoChunk.NO_SEEK;
    for (int i = 0; i < count; i++) {
      long end = i < cuts.size() ? cuts.get(i).ptsMicros() : Long.MAX_VALUE;
      chunks.add(new VideoChunk(i, count, start, end, seek, index.framesBetween(start, end)));
      if (i < cuts.size()) {
        start = end;
        seek = cuts.get(i).seekTimestamp();
      }
    }
    return new ChunkPlan(List.copyOf(chunks), null);
  }

  private static ChunkPlan whole(long frames, String why) {
    return new ChunkPlan(List.of(VideoChunk.whole(frames)), why);
  }
}
