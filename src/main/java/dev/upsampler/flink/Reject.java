package dev.upsampler.flink;

/**
 * A frame the job could not upscale: which (its source name, stream and sequence number, -1 when
 * it has none), why, and when (epoch millis). A Flink POJO.
 */
public class Reject {
  public String sourceName;
  public String reason;
  public long timeMillis;
  public String streamId;
  public long sequence = -1;

  public Reject() {}

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
