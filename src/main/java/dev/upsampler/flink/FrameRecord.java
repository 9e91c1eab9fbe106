package dev.upsampler.flink;

/**
 * A frame as the job carries it: where it comes from and its encoded bytes (an image file going
 * in, the encoded upscaled image coming out), cheaper to ship between operators than raw pixels.
 * A Flink POJO: public fields and a no-argument constructor, serialised without Kryo.
 */
public class FrameRecord {
  /** The stream the frame belongs to (for files: the directory they were read from). */
  public String streamId;
  /** Position in the stream (0 for still images, which have no order). */
  public long sequence;
  /** Presentation time in microseconds, -1 when unknown. */
  public long timestampMicros = -1;
  /** The file (or URL) the frame came from. */
  public String sourceName;
  /** The name the output gets inside its stream's directory. */
  public String outputName;
  /** Encoded image bytes. */
  public byte[] data;
  /** Why the frame could not even be read, or null. */
  public String error;
  /** When the source emitted it (epoch millis), for the latency histogram. */
  public long ingestMillis;

  public FrameRecord() {}

  @Override
  public String toString() {
    return "FrameRecord[" + streamId + "/" + sourceName + " #" + sequence + ", "
        + (data == null ? 0 : data.length) + " bytes" + (error == null ? "" : ", " + error) + "]";
  }
}
