package dev.upsampler.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The job-definition settings a command line may override (shared by run and cluster submit). */
final class JobOverrides {

  @Option(names = "--input", paramLabel = "DIR", description = "Input directory or URI.")
  String input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output directory or URI.")
  String output;

  @Option(names = "--kernel", paramLabel = "NAME|PATH.npy|model:PATH", description = "Kernel, or a trained model.")
  String kernel;

  @Option(names = "--scale", paramLabel = "S|SX,SY", description = "Scale.")
  String scale;

  @Option(names = "--parallelism", paramLabel = "P", description = "Parallel subtasks.")
  Integer parallelism;

  @Option(names = "--threads", paramLabel = "T", description = "Engine threads per subtask.")
  Integer threads;

  @Option(names = "--realtime", description = "Replay video files at their frame rate, as a"
      + " live source would deliver them.")
  Boolean realtime;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Any job-definition setting,"
      + " keyed as in the YAML file (repeatable; validated like the file), e.g. --set format=jpg.")
  Map<String, String> set;

  @Option(names = "-D", paramLabel = "KEY=VALUE", description = "A Flink setting for the job"
      + " (a config.yaml key, as Flink's own CLI takes it; repeatable), e.g."
      + " -D execution.checkpointing.interval=5s. Wins over the job file's flink: map.")
  Map<String, String> flinkSettings;

  /** The settings given, keyed as in the YAML file; the named flags win over --set. */
  Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    if (set != null) {
      m.putAll(set);
    }
    if (flinkSettings != null) {
      flinkSettings.forEach((k, v) -> m.put(dev.upsampler.flink.JobDefinition.FLINK_PREFIX + k, v));
    }
    put(m, "input", input);
    put(m, "output", output);
    put(m, "kernel", kernel);
    put(m, "scale", scale);
    put(m, "parallelism", parallelism);
    put(m, "threads", threads);
    put(m, "realtime", realtime);
    return m;
  }

  private static void put(Map<String, String> m, String key, Object value) {
    if (value != null) {
      m.put(key, value.toString());
    }
  }
}
