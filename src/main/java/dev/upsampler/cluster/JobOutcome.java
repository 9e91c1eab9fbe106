package dev.upsampler.cluster;

import java.util.Map;

/**
 * How a job on the cluster ended (or stood when the wait gave up). {@code restarts} counts every
 * restart the watcher saw, across JobManager failovers ({@code failovers}: a new JobManager took
 * the job over); the counters in {@code accumulators} cover the attempts since the last one.
 */
public record JobOutcome(String jobId, String name, String state, double seconds,
    Map<String, Long> accumulators, long restarts, int failovers, String failure) {

  /** The same outcome with restarts and failovers seen before the current JobManager added. */
  JobOutcome after(long earlierRestarts, int failoversSeen) {
    return new JobOutcome(jobId, name, state, seconds, accumulators,
        Math.max(0, restarts) + earlierRestarts, failoversSeen, failure);
  }

  public boolean finished() {
    return "FINISHED".equals(state);
  }

  public long counter(String name) {
    return accumulators.getOrDefault(name, 0L);
  }
}
