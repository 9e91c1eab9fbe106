package dev.upsampler.flink.video;

/**
 * What a subtask passes on for a chunk it finished: where the segment is and what is in it,
 * never the frames. A chunk that could not be decoded carries its {@code error} and no segment.
 */
public class ChunkSegment {
  /** The video's stream name (its file name without extension). */
  public String stream;
  /** The video being made, as a Flink path. */
  public String target;
  /** Where the video's segments are (beside the target, or under {@code work-dir}). */
  public String segmentDir;
  /** The source video, where the audio comes from and reports point to. */
  public String origin;
  public String container;
  public int index;
  public int count;
  /** Frames encoded into the segment. */
  public long frames;
  /** Frames the demuxer counted in the chunk. */
  public long expectedFrames;
  public long decodeErrors;
  public String error;
  public long millis;

  public ChunkSegment() {}

  /** Frames of the chunk that are not in the output. */
  public long missingFrames() {
    return Math.max(0, expectedFrames - frames);
  }

  @Override
  public String toString() {
    return origin + " chunk " + (index + 1) + "/" + count;
  }
}
