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

  private static final String USAGE = "usage: JobMain JOB.yaml [--input DIR] [--output DIR]"
      + " [--kernel K] [--scale S] [--parallelism P] [--threads T] [--SETTING VALUE]"
      + " [--set SETTING=VALUE] [-D FLINK_KEY=VALUE]";

  /**
   * The settings after the job file: {@code --SETTING VALUE}, {@code --set SETTING=VALUE} (any
   * job-definition key) and {@code -D KEY=VALUE} or {@code -DKEY=VALUE} (a Flink setting).
   */
  static Map<String, String> overrides(String[] args) {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("-D") && !a.startsWith("--")) {
        String kv = a.length() > 2 ? a.substring(2) : value(args, ++i, a);
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("-D expects KEY=VALUE, got '" + kv + "'");
        }
        overrides.put(JobDefinition.FLINK_PREFIX + kv.substring(0, eq), kv.substring(eq + 1));
      } else if (a.equals("--set")) {
        String kv = value(args, ++i, a);
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("--set expects SETTING=VALUE, got '" + kv + "'");
        }
        overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
      } else if (a.startsWith("--")) {
        overrides.put(a.substring(2), value(args, ++i, a));
      } else {
        throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
      }
    }
    return overrides;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value; " + USAGE);
    }
    return args[i];
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException(USAGE);
    }
    Map<String, String> overrides = overrides(args);
    JobDefinition def = JobDefinition.load(Path.of(args[0]), overrides);
    UpscaleJob.checkStorage(def); // file systems as the cluster set them up (plugins, config.yaml)
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    env.execute("upsampler " + def.name());
  }
}
