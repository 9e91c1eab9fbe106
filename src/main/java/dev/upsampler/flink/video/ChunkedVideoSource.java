package dev.upsampler.flink.video;

import dev.upsampler.flink.JobDefinition;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.apache.flink.connector.file.src.AbstractFileSource;
import org.apache.flink.connector.file.src.ContinuousEnumerationSettings;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.connector.file.src.assigners.SimpleSplitAssigner;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Video files as keyframe-aligned chunks, each read by transcoding it into a segment: Flink's
 * file source machinery (listing, optional monitoring, split assignment on request, checkpointed
 * enumerator state) with {@link KeyframeChunkEnumerator} cutting the splits and {@link
 * ChunkTranscodeFormat} reading them. A subtask asks for its next chunk when it has finished
 * one, so faster machines take more chunks. Chunks are handed out in order (a video's first
 * chunks first), so its segments are complete, and joined, as early as possible.
 */
final class ChunkedVideoSource extends AbstractFileSource<ChunkSegment, VideoChunkSplit> {
  private static final long serialVersionUID = 1L;

  private ChunkedVideoSource(Path input, FileEnumerator.Provider enumerator,
      ContinuousEnumerationSettings monitoring, JobDefinition def) {
    super(new Path[] {input}, enumerator, ChunkedVideoSource::inOrder,
        new ChunkTranscodeFormat(def), monitoring);
  }

  /**
   * The job's video input (a file or a directory of them, entries passing {@code filter}) cut
   * into chunks of about {@code chunk-seconds}.
   */
  public static <F extends Predicate<Path> & Serializable> ChunkedVideoSource of(
      JobDefinition def, F filter) {
    double seconds = def.video().chunkSeconds();
    FileEnumerator.Provider enumerator = () -> new KeyframeChunkEnumerator(filter, seconds);
    ContinuousEnumerationSettings monitoring = def.monitorIntervalSeconds() > 0
        ? new ContinuousEnumerationSettings(Duration.ofSeconds(def.monitorIntervalSeconds()))
        : null;
    return new ChunkedVideoSource(new Path(def.input()), enumerator, monitoring, def);
  }

  /** Flink's simple assigner hands out its last split first: give it the list reversed. */
  private static FileSplitAssigner inOrder(java.util.Collection<FileSourceSplit> splits) {
    List<FileSourceSplit> reversed = new ArrayList<>(splits);
    Collections.reverse(reversed);
    return new SimpleSplitAssigner(reversed);
  }

  @Override
  public SimpleVersionedSerializer<VideoChunkSplit> getSplitSerializer() {
    return new VideoChunkSplitSerializer();
  }
}
