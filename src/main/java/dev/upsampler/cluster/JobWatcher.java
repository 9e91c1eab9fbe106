package dev.upsampler.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.flink.UpscaleJob;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows a job over REST until it reaches a globally terminal state, reporting progress. A
 * JobManager that stops answering (killed, restarting) is waited for: with high availability a
 * new one takes the job over, and the watcher follows it there.
 */
public final class JobWatcher {
  private static final Set<String> TERMINAL = Set.of("FINISHED", "FAILED", "CANCELED");
  /** How long the JobManager may be away before the wait gives up. */
  static final Duration FAILOVER_GRACE = Duration.ofMinutes(2);
  private final FlinkRestClient rest;
  private final Duration poll;
  private final Duration grace;

  public JobWatcher(FlinkRestClient rest, Duration poll) {
    this(rest, poll, FAILOVER_GRACE);
  }

  /** @param grace how long the JobManager may be away before the wait gives up */
  JobWatcher(FlinkRestClient rest, Duration poll, Duration grace) {
    this.rest = rest;
    this.poll = poll;
    this.grace = grace;
  }

  /**
   * Waits until the job ends or {@code timeout} passes (then the outcome holds the current
   * state). {@code progress} receives a line whenever state, counters or restarts change, and
   * when the JobManager goes away and comes back.
   */
  public JobOutcome follow(String jobId, Duration timeout, Consumer<String> progress)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    long awaySince = 0;
    long restartsBefore = 0;
    long restartsNow = 0;
    int failovers = 0;
    while (true) {
      JobOutcome now;
      try {
        now = snapshot(jobId);
      } catch (IOException e) {
        if (!jobManagerAway(e, awaySince != 0 || failovers > 0)) {
          throw e;
        }
        long t = System.nanoTime();
        if (awaySince == 0) {
          awaySince = t;
          progress.accept("the JobManager at " + rest.endpoint() + " does not answer"
              + (e instanceof RestStatusException ? " (" + firstLine(e) + ")" : "")
              + "; waiting up to " + grace.toSeconds() + " s for it, or for a new one (HA), to"
              + " take the job over");
        } else if (t - awaySince > grace.toNanos() || t > deadline) {
          throw new IOException("the JobManager did not come back within " + grace.toSeconds()
              + " s (was the cluster started with --ha?): " + firstLine(e), e);
        }
        Thread.sleep(poll.toMillis());
        continue;
      }
      if (awaySince != 0) {
        failovers++;
        restartsBefore += restartsNow;
        restartsNow = 0; // a new JobManager counts its own restarts from zero
        progress.accept(String.format(java.util.Locale.ROOT, "the job is %s again after %.0f s"
            + " without a JobManager (failover %d)", now.state(),
            (System.nanoTime() - awaySince) / 1e9, failovers));
        awaySince = 0;
      }
      // The counter only grows under one JobManager; a poll that finds it missing (-1, the REST
      // metric store not yet refreshed) must not lose a restart already seen.
      restartsNow = Math.max(restartsNow, now.restarts());
      now = now.after(restartsBefore, failovers);
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

  /**
   * The JobManager is away: nothing answers, it answers 5xx (no leader yet), or, once it has
   * been away, it does not know the job yet (a new leader recovers jobs after it starts serving).
   */
  static boolean jobManagerAway(IOException e, boolean afterAnOutage) {
    if (e instanceof ClusterUnavailableException) {
      return true;
    }
    return e instanceof RestStatusException s
        && (s.status() >= 500 || (afterAnOutage && s.status() == 404));
  }

  private static String firstLine(IOException e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }

  /** The job as it stands. */
  public JobOutcome snapshot(String jobId) throws IOException {
    JsonNode job = rest.job(jobId);
    String state = job.path("state").asText("UNKNOWN");
    Map<String, Long> acc = rest.accumulators(jobId);
    FlinkRestClient.Failures failures = rest.failures(jobId);
    boolean failed = "FAILED".equals(state);
    // numRestarts can lag by minutes (see Failures); the failures handled say it at once, up
    // to the history's length (web.exception-history-size, 16): the larger of the two counts.
    long restarts = Math.max(rest.jobMetric(jobId, "numRestarts"),
        failures.count() - (failed ? 1 : 0));
    return new JobOutcome(jobId, job.path("name").asText(""), state,
        job.path("duration").asLong(0) / 1000.0, acc, restarts, 0,
        failed ? failures.lastRootCause() : null);
  }

  /** "N written, M rejected, R restarts" from the job's accumulators and metrics. */
  public static String counters(JobOutcome o) {
    return UpscaleJob.framesWritten(o::counter) + " frames written, "
        + UpscaleJob.framesRejected(o::counter)
        + " rejected" + (o.restarts() > 0 ? ", " + o.restarts() + " restart(s)" : "")
        + (o.failovers() > 0 ? ", " + o.failovers() + " JobManager failover(s)" : "");
  }
}
