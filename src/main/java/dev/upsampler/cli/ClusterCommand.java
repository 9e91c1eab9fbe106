package dev.upsampler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.cluster.FlinkRestClient;
import dev.upsampler.cluster.JobArguments;
import dev.upsampler.cluster.JobOutcome;
import dev.upsampler.cluster.JobWatcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cluster}: submits job definitions to a running Flink cluster over its REST API and
 * reports on them. {@code jobs/cluster.sh} starts and stops the cluster and calls these.
 */
@Command(
    name = "cluster",
    description = "Submit job definitions to a running Flink cluster and follow them"
        + " (jobs/cluster.sh starts one on 127.0.0.1).",
    subcommands = {ClusterCommand.Submit.class, ClusterCommand.Status.class,
        ClusterCommand.Wait.class, ClusterCommand.Cancel.class, ClusterCommand.Args.class})
final class ClusterCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: submit, status, wait, cancel or args");
  }

  /** Where the cluster's REST API is. */
  static final class Endpoint {
    @Option(names = "--rest", paramLabel = "URL",
        defaultValue = "http://127.0.0.1:${env:UPSAMPLER_REST_PORT:-8081}",
        description = "The cluster's REST address (default ${DEFAULT-VALUE}).")
    String url;

    FlinkRestClient client() {
      return new FlinkRestClient(url);
    }
  }

  /** Follows a job with progress on stderr until it ends (or the minutes pass), then reports. */
  static int follow(BaseCommand cmd, FlinkRestClient rest, String jobId, int timeoutMinutes)
      throws Exception {
    Duration timeout = timeoutMinutes > 0 ? Duration.ofMinutes(timeoutMinutes)
        : Duration.ofDays(365);
    JobOutcome o = new JobWatcher(rest, Duration.ofSeconds(1))
        .follow(jobId, timeout, line -> cmd.err().println("  " + line));
    return report(cmd, o);
  }

  /** Reports a finished job and turns its state into an exit status. */
  static int report(BaseCommand cmd, JobOutcome o) {
    cmd.out().printf(Locale.ROOT, "job %s %s in %.1f s: %s%n", o.jobId(), o.state(), o.seconds(),
        JobWatcher.counters(o));
    if (o.failure() != null) {
      cmd.err().println("cause: " + o.failure());
    }
    if (o.restarts() > 0 || o.failovers() > 0) {
      // Flink keeps no accumulator across a restart: frames written before it are not counted.
      cmd.out().println("(the counters cover the attempts since the last restart or failover,"
          + " not the frames committed before it)");
    }
    return o.finished() ? 0 : Errors.BAD_INPUT;
  }

  @Command(name = "submit", description = "Uploads the job jar and runs a job definition on"
      + " the cluster; waits for the job to end unless --detach.")
  static final class Submit extends BaseCommand {
    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job definition.")
    Path job;

    @Mixin JobOverrides overrides;
    @Mixin Endpoint endpoint;

    @Option(names = "--jar", paramLabel = "PATH", defaultValue = "target/upsampler-job.jar",
        description = "The job jar (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--detach", description = "Return as soon as the job is submitted.")
    boolean detach;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "0",
        description = "Give up waiting after this long (0: wait for the end).")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
      JobArguments args = JobArguments.resolve(job, overrides.asMap());
      FlinkRestClient rest = endpoint.client();
      rest.get("/overview"); // a clear error when nothing listens, before the upload
      String jarId = rest.uploadJar(jar);
      String jobId;
      try {
        jobId = rest.runJar(jarId, JobArguments.ENTRY_CLASS, args.programArgs(),
            args.definition().parallelism());
      } finally {
        rest.deleteJar(jarId);
      }
      out().println("submitted " + jobId);
      out().flush();
      if (detach) {
        return 0;
      }
      return follow(this, rest, jobId, timeoutMinutes);
    }
  }

  @Command(name = "wait", description = "Follows a job until it ends; non-zero unless it"
      + " finished.")
  static final class Wait extends BaseCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID") String jobId;
    @Mixin Endpoint endpoint;

    @Option(names = "--timeout", paramLabel = "MINUTES", defaultValue = "0",
        description = "Give up waiting after this long (0: wait for the end).")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
      return follow(this, endpoint.client(), jobId, timeoutMinutes);
    }
  }

  @Command(name = "status", description = "The cluster's task managers and slots, and its jobs"
      + " with their state and counters.")
  static final class Status extends BaseCommand {
    @Mixin Endpoint endpoint;

    @Override
    public Integer call() throws Exception {
      FlinkRestClient rest = endpoint.client();
      JsonNode o = rest.get("/overview");
      out().printf(Locale.ROOT, "Flink %s at %s: %d task manager(s), %d/%d slots free%n",
          o.path("flink-version").asText("?"), rest.endpoint(), o.path("taskmanagers").asInt(),
          o.path("slots-available").asInt(), o.path("slots-total").asInt());
      JobWatcher watcher = new JobWatcher(rest, Duration.ofSeconds(1));
      for (JsonNode j : rest.get("/jobs/overview").path("jobs")) {
        JobOutcome s = watcher.snapshot(j.path("jid").asText());
        out().printf(Locale.ROOT, "  %s  %-9s %7.1f s  %s  (%s)%n", s.jobId(), s.state(),
            s.seconds(), JobWatcher.counters(s), s.name());
      }
      return 0;
    }
  }

  @Command(name = "cancel", description = "Cancels a job.")
  static final class Cancel extends BaseCommand {
    @Parameters(index = "0", paramLabel = "JOB_ID") String jobId;
    @Mixin Endpoint endpoint;

    @Override
    public Integer call() throws Exception {
      endpoint.client().cancel(jobId);
      out().println("cancelling " + jobId);
      return 0;
    }
  }

  @Command(name = "args", description = "Validates a job definition and prints JobMain's"
      + " arguments (one per line, paths absolute), for Flink's own CLI and application mode.")
  static final class Args extends BaseCommand {
    @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job definition.")
    Path job;

    @Mixin JobOverrides overrides;

    @Override
    public Integer call() throws Exception {
      JobArguments.resolve(job, overrides.asMap()).programArgs().forEach(out()::println);
      return 0;
    }
  }
}
