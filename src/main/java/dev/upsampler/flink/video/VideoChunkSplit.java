package dev.upsampler.flink.video;

import dev.upsampler.io.chunks.VideoChunk;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;

/**
 * A split of a {@link ChunkedVideoSource}: one chunk of one video file. Its id names the file
 * and the chunk, so it stays the same across enumerations and restores.
 */
final class VideoChunkSplit extends FileSourceSplit {
  private static final long serialVersionUID = 1L;
  private final VideoChunk chunk;

  public VideoChunkSplit(Path file, long modificationTime, long fileSize, VideoChunk chunk,
      CheckpointedPosition position) {
    super(file + "#" + chunk.index() + "/" + chunk.count(), file, 0, fileSize, modificationTime,
        fileSize, new String[0], position);
    this.chunk = chunk;
  }

  public VideoChunk chunk() {
    return chunk;
  }

  @Override
  public VideoChunkSplit updateWithCheckpointedPosition(CheckpointedPosition position) {
    return new VideoChunkSplit(path(), fileModificationTime(), fileSize(), chunk, position);
  }

  @Override
  public String toString() {
    return path() + " " + chunk;
  }
}
