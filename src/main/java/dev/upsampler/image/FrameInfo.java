package dev.upsampler.image;

/**
 * Where a frame comes from: its stream, its position in that stream, its presentation time in
 * microseconds (-1 when unknown) and the name of its source (a file name or URL).
 */
public record FrameInfo(String streamId, long sequence, long timestampMicros, String sourceName) {
  public static final FrameInfo NONE = new FrameInfo("", 0, -1, "");

  /** A still image read from a file: its own stream, sequence 0. */
  public static FrameInfo ofFile(String name) {
    return new FrameInfo(name, 0, -1, name);
  }
}
