package dev.upsampler.flink;

/** A frame the job could not upscale: which, why, and when (epoch millis). A Flink POJO. */
public class Reject {
  public String sourceName;
  public String reason;
  public long timeMillis;

  public Reject() {}

  public Reject(String sourceName, String reason, long timeMillis) {
    this.sourceName = sourceName;
    this.reason = reason;
    this.timeMillis = timeMillis;
  }
}
