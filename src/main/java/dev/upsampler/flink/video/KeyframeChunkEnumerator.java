package dev.upsampler.flink.video;

import dev.upsampler.io.KeyframeIndex;
import dev.upsampler.io.chunks.ChunkPlan;
import dev.upsampler.io.chunks.VideoChunk;
import dev.upsampler.storage.LocalStaging;
import dev.upsampler.storage.SharedStaging;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the video files under the input (as Flink's own enumerator does, same filter) and cuts
 * each into {@link VideoChunkSplit}s from its keyframe index ({@link ChunkPlan}). A file whose
 * index cannot be read becomes one chunk: its reader then reports why it cannot be decoded.
 */
final class KeyframeChunkEnumerator implements FileEnumerator {
  private static final Logger LOG = LoggerFactory.getLogger(KeyframeChunkEnumerator.class);
  private final Predicate<Path> filter;
  private final double chunkSeconds;

  KeyframeChunkEnumerator(Predicate<Path> filter, double chunkSeconds) {
    this.filter = filter;
    this.chunkSeconds = chunkSeconds;
  }

  @Override
  public Collection<FileSourceSplit> enumerateSplits(Path[] paths, int minDesiredSplits)
      throws IOException {
    List<FileSourceSplit> out = new ArrayList<>();
    for (FileSourceSplit file : new NonSplittingRecursiveEnumerator(filter)
        .enumerateSplits(paths, 1)) {
      for (VideoChunk c : plan(file.path()).chunks()) {
        out.add(new VideoChunkSplit(file.path(), file.fileModificationTime(), file.fileSize(), c,
            null));
      }
    }
    return out;
  }

  private ChunkPlan plan(Path file) {
    long t0 = System.nanoTime();
    KeyframeIndex index;
    // Shared: in an embedded run the chunk readers, in the same JVM, find this copy.
    try (LocalStaging.Staged local = SharedStaging.stage(file)) {
      index = KeyframeIndex.read(local.file());
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: no keyframe index ({}); one chunk", file, e.getMessage());
      return new ChunkPlan(List.of(VideoChunk.whole(-1)), e.getMessage());
    }
    ChunkPlan plan = ChunkPlan.cut(index, chunkSeconds);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (plan.whyWhole() != null) {
      LOG.info("{}: {} frames, {} keyframes: one chunk, {} (indexed in {} ms)", file,
          index.framePts().length, index.keyframes().size(), plan.whyWhole(), ms);
    } else {
      LOG.info("{}: {} frames{}, {} keyframes: {} chunks of about {} s (indexed in {} ms)",
          file, index.framePts().length, index.reordered() ? " (B-frames)" : "",
          index.keyframes().size(), plan.chunks().size(), chunkSeconds, ms);
    }
    return plan;
  }
}
