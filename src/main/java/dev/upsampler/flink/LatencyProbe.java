package dev.upsampler.flink;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes frames on, measuring their latency (where no reordering step does it). */
final class LatencyProbe extends ProcessFunction<FrameRecord, FrameRecord> {
  private static final long serialVersionUID = 1L;
  private transient LatencyRecorder latency;

  @Override
  public void open(OpenContext ctx) {
    latency = new LatencyRecorder(getRuntimeContext());
  }

  @Override
  public void processElement(FrameRecord r, Context ctx, Collector<FrameRecord> out) {
    latency.record(r);
    out.collect(r);
  }
}
