package dev.upsampler.flink;

import org.apache.flink.api.common.accumulators.Histogram;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Each frame's time from its source to just before the sink: the histogram metric {@code
 * sourceToSinkMs} (group "upsampler") and the accumulator {@link #LATENCY} (counts per
 * millisecond, which {@code run} turns into percentiles).
 */
final class LatencyRecorder {
  /** Accumulator: milliseconds from source to sink per frame. */
  static final String LATENCY = "latency-ms";
  private final org.apache.flink.metrics.Histogram metric;
  private final Histogram total = new Histogram();

  LatencyRecorder(RuntimeContext ctx) {
    metric = ctx.getMetricGroup().addGroup("upsampler").histogram("sourceToSinkMs",
        new DescriptiveStatisticsHistogram(1000));
    ctx.addAccumulator(LATENCY, total);
  }

  void record(FrameRecord r) {
    if (!r.isMarker() && r.ingestMillis > 0) {
      long ms = Math.max(0, System.currentTimeMillis() - r.ingestMillis);
      metric.update(ms);
      total.add((int) Math.min(Integer.MAX_VALUE, ms));
    }
  }
}
