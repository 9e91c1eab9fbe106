package dev.upsampler.io.chunks;

/**
 * A time range of one video, cut at keyframes: the frames whose presentation time {@code t}
 * satisfies {@code startMicros <= t < endMicros}. The first chunk is open at its start and the
 * last at its end, so every frame of the file lands in exactly one chunk, B-frames shown before
 * the first keyframe included.
 *
 * @param index position in the video, from 0
 * @param count chunks the video was cut into
 * @param seekTimestamp decode timestamp of the keyframe to seek to (stream units), or {@link
 *     #NO_SEEK} to decode from the start of the file
 * @param frames frames the demuxer counted in the range (what a complete chunk yields)
 */
public record VideoChunk(int index, int count, long startMicros, long endMicros,
    long seekTimestamp, long frames) {
  public static final long NO_SEEK = Long.MIN_VALUE;

  /** The whole video as one chunk. */
  public static VideoChunk whole(long frames) {
    return new VideoChunk(0, 1, Long.MIN_VALUE, Long.MAX_VALUE, NO_SEEK, frames);
  }

  /** Whether a frame shown at {@code ptsMicros} belongs here. */
  public boolean holds(long ptsMicros) {
    return ptsMicros >= startMicros && ptsMicros < endMicros;
  }

  @Override
  public String toString() {
    return "chunk " + (index + 1) + "/" + count + " ["
        + (startMicros == Long.MIN_VALUE ? "start" : seconds(startMicros)) + ", "
        + (endMicros == Long.MAX_VALUE ? "end" : seconds(endMicros)) + "), " + frames + " frames";
  }

  private static String seconds(long micros) {
    return String.format(java.util.Locale.ROOT, "%.3f s", micros / 1e6);
  }
}
