package dev.upsampler.flink;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A frame as the job carries it: where it comes from and its pixels, either encoded (an image
 * file going in, an encoded image coming out: cheaper to ship than raw pixels) or raw RGB24 when
 * {@code width > 0} (decoded video frames, and upscaled frames bound for a video encoder;
 * RGB24, or planar 4:2:0 when {@code yuv}).
 * Two kinds carry no picture: an end-of-stream marker (after a stream's last frame, so the video
 * sink can finish the file) and a skip marker (a frame dropped or rejected, so the per-stream
 * ordering moves on at once instead of waiting for it).
 * A Flink POJO: public fields and a no-argument constructor, serialised without Kryo.
 */
@PublicEvolving
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
  /** Encoded image bytes, or raw RGB24 rows when {@code width > 0}. */
  public byte[] data;
  /** Raw frames: width in pixels (0 for encoded data). */
  public int width;
  /** Raw frames: height in pixels (0 for encoded data). */
  public int height;
  /** Raw frames: planar 4:2:0 (as decoders deliver it) instead of interleaved RGB24. */
  public boolean yuv;
  /** The source's nominal frame rate (video), 0 when not a video. */
  public double frameRate;
  /** Where the stream comes from (video file path or URL: the audio is copied from there). */
  public String origin;
  /** No picture: the stream ends after the previous sequence number. */
  public boolean endOfStream;
  /** No picture: this sequence number was dropped or rejected; ordering moves past it. */
  public boolean skip;
  /** A skip marker for a frame the source dropped under {@code overload: drop} (to count it). */
  public boolean dropped;
  /** Why the frame could not even be read, or null. */
  public String error;
  /** When the source emitted it (epoch millis), for the latency histogram. */
  public long ingestMillis;

  /** An empty record (for Flink's POJO serializer; pipelines use {@link #encoded}). */
  public FrameRecord() {}

  /**
   * A frame of an encoded image (PNG, JPEG, BMP, or any format {@code upscale} reads), as a
   * pipeline of your own makes it for {@link Upsampling#upscale}. The upscaled record keeps the
   * stream, sequence and name (its extension changed to the output format) and carries the
   * encoded result in {@link #data}.
   *
   * @param streamId the stream the frame belongs to (frame files land in a folder of this name)
   * @param sequence its position in the stream, or 0 for stills that have no order
   * @param name the file name it came from (its extension tells the input format apart when
   *     the bytes do not, and names the output)
   * @param encodedImage the image file's bytes, not copied
   * @throws IllegalArgumentException when a name or the bytes are missing
   */
  public static FrameRecord encoded(String streamId, long sequence, String name,
      byte[] encodedImage) {
    if (streamId == null || name == null || name.isBlank() || encodedImage == null) {
      throw new IllegalArgumentException("FrameRecord.encoded needs a stream id, a name and the"
          + " image's bytes, got stream " + streamId + ", name " + name + ", "
          + (encodedImage == null ? "no bytes" : encodedImage.length + " bytes"));
    }
    FrameRecord r = new FrameRecord();
    r.streamId = streamId;
    r.sequence = sequence;
    r.sourceName = name;
    r.outputName = name.substring(name.lastIndexOf('/') + 1);
    r.data = encodedImage;
    r.ingestMillis = System.currentTimeMillis();
    return r;
  }

  /** Where it comes from and what it carries, for logs. */
  @Override
  public String toString() {
    return "FrameRecord[" + streamId + "/" + sourceName + " #" + sequence + ", "
        + (endOfStream ? "end of stream" : skip ? "skipped" : width > 0
            ? width + "x" + height + " raw" : (data == null ? 0 : data.length) + " bytes")
        + (error == null ? "" : ", " + error) + "]";
  }

  /** True for the markers that carry no picture. */
  public boolean isMarker() {
    return endOfStream || skip;
  }

  /** A marker or frame that keeps this record's stream, position and origin. */
  public FrameRecord derive() {
    FrameRecord o = new FrameRecord();
    o.streamId = streamId;
    o.sequence = sequence;
    o.timestampMicros = timestampMicros;
    o.sourceName = sourceName;
    o.outputName = outputName;
    o.ingestMillis = ingestMillis;
    o.frameRate = frameRate;
    o.origin = origin;
    return o;
  }
}
