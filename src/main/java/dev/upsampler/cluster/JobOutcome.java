package dev.upsampler.cluster;

import java.util.Map;

/** How a job on the cluster ended (or stood when the wait gave up). */
public record JobOutcome(String jobId, String name, String state, double seconds,
    Map<String, Long> accumulators, long restarts, String failure) {

  public boolean finished() {
    return "FINISHED".equals(state);
  }

  public long counter(String name) {
    return accumulators.getOrDefault(name, 0L);
  }
}
