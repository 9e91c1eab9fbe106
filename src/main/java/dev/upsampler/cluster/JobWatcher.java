package dev.upsampler.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.flink.UpscaleJob;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Follows a job over REST until it reaches a globally terminal state, reporting progress. */
public final class JobWatcher {
  private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED");
  private final FlinkRestClient rest;
  private final Duration poll;

  public JobWatcher(FlinkRestClient rest, Duration poll) {
    this.rest = rest;
    this.poll = poll;
  }

  /**
   * Waits until the job ends or {@code timeout} passes (then the outcome holds the current
   * state). {@code progress} receives a line whenever state, counters or restarts change.
   */
  public JobOutcome follow(String jobId, Duration timeout, Consumer<String> progress)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (true) {
      JobOutcome now = snapshot(jobId);
      String line = String.format(java.util.Locale.ROOT, "%s %.0f s: %s", now.state(),
          now.seconds(), counters(now));
      if (!line.equals(last) && !TERMINAL.contains(now.state())) {
        progress.accept(line);
        last = line;
      }
      if (TERMINAL.contains(now.state()) || System.nanoTime() > deadline) {
        return now;
      }
      Thread.sleep(poll.toMillis());
    }
  }

  /** The job as it stands. */
  public JobOutcome snapshot(String jobId) throws IOException {
    JsonNode job = rest.job(jobId);
    String state = job.path("state").asText("UNKNOWN");
    Map<String, Long> acc = rest.accumulators(jobId);
    long restarts = rest.jobMetric(jobId, "numRestarts");
    String failure = "FAILED".equals(state) ? rest.lastFailure(jobId) : null;
    return new JobOutcome(jobId, job.path("name").asText(""), state,
        job.path("duration").asLong(0) / 1000.0, acc, restarts, failure);
  }

  /** "N written, M rejected, R restarts" from the job's accumulators and metrics. */
  public static String counters(JobOutcome o) {
    return UpscaleJob.framesWritten(o::counter) + " frames written, "
        + UpscaleJob.framesRejected(o::counter)
        + " rejected" + (o.restarts() > 0 ? ", " + o.restarts() + " restart(s)" : "");
  }
}
