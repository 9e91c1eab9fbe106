package dev.upsampler.flink;

import org.apache.flink.annotation.PublicEvolving;

/**
 * A frame the job could not upscale: which (its source name, stream and sequence number, -1 when
 * it has none), why, and when (epoch millis). A Flink POJO.
 */
@PublicEvolving
public class Reject {
  /** The file, URL or record name the frame came from. */
  public String sourceName;
  /** Why it was rejected, one line naming the input and the cause. */
  public String reason;
  /** When, in epoch milliseconds. */
  public long timeMillis;
  /** The stream the frame belonged to. */
  public String streamId;
  /** Its position in the stream, -1 when it has none. */
  public long sequence = -1;

  /** An empty reject (for Flink's POJO serializer). */
  public Reject() {}

  /** A reject of a frame that belongs to no stream. */
  public Reject(String sourceName, String reason, long timeMillis) {
    this.sourceName = sourceName;
    this.reason = reason;
    this.timeMillis = timeMillis;
  }

  /** The same reject for a record of a stream. */
  public static Reject of(FrameRecord r, String sourceName, String reason) {
    Reject j = new Reject(sourceName, reason, System.currentTimeMillis());
    j.streamId = r.streamId;
    j.sequence = r.sequence;
    return j;
  }
}
