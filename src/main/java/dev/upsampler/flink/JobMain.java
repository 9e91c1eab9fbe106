package dev.upsampler.flink;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job's entry point on a Flink cluster (session or application mode):
 * {@code JobMain JOB.yaml [--input DIR] [--output DIR] [--kernel K] [--scale S]
 * [--parallelism P] [--threads T]}, the same definitions and overrides as the local {@code run}.
 * Paths are the cluster's: the job definition is read where this runs (the client for a session
 * submission, the JobManager in application mode).
 */
public final class JobMain {
  private JobMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length % 2 != 1) {
      throw new IllegalArgumentException(
          "usage: JobMain JOB.yaml [--input DIR] [--output DIR] [--kernel K] [--scale S]"
              + " [--parallelism P] [--threads T]");
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --setting value, got '" + args[i] + "'");
      }
      overrides.put(args[i].substring(2), args[i + 1]);
    }
    JobDefinition def = JobDefinition.load(Path.of(args[0]), overrides);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    env.execute("upsampler " + def.name());
  }
}
