package dev.upsampler.flink;

import org.apache.flink.api.common.accumulators.Histogram;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Each frame's time from its source to just before the sink: the histogram metric {@code
 * sourceToSinkMs} (group "upsampler") and the accumulator {@link #LATENCY} (counts per
 * millisecond, which {@code run} turns into percentiles).
 */
public final class LatencyRecorder {
  /** Accumulator: milliseconds from source to sink per frame. */
  static final String LATENCY = "latency-ms";
  private final org.apache.flink.metrics.Histogram metric;
  private final Histogram total = new Histogram();

  LatencyRecorder(RuntimeContext ctx) {
    metric = ctx.getMetricGroup().addGroup("upsampler").histogram("sourceToSinkMs",
        new DescriptiveStatisticsHistogram(1000));
    ctx.addAccumulator(LATENCY, total);
  }

  /** A percentile (0..1) of the {@link #LATENCY} accumulator's counts per millisecond. */
  public static long percentile(java.util.Map<?, ?> histogram, double q) {
    java.util.TreeMap<Integer, Integer> sorted = new java.util.TreeMap<>();
    histogram.forEach((k, v) -> sorted.put((Integer) k, (Integer) v));
    long total = sorted.values().stream().mapToLong(Integer::longValue).sum();
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (var e : sorted.entrySet()) {
      seen += e.getValue();
      if (seen >= Math.max(1, rank)) {
        return e.getKey();
      }
    }
    return sorted.isEmpty() ? 0 : sorted.lastKey();
  }

  void record(FrameRecord r) {
    if (!r.isMarker() && r.ingestMillis > 0) {
      long ms = Math.max(0, System.currentTimeMillis() - r.ingestMillis);
      metric.update(ms);
      total.add((int) Math.min(Integer.MAX_VALUE, ms));
    }
  }
}
