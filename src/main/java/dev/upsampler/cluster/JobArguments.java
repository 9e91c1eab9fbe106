package dev.upsampler.cluster;

import dev.upsampler.flink.JobDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A job definition and its overrides, validated here (before anything reaches the cluster) and
 * turned into {@code JobMain}'s program arguments with every local path made absolute: the
 * definition is read again by whichever JVM runs the job's main method, whose working directory
 * is not the caller's.
 */
public record JobArguments(JobDefinition definition, List<String> programArgs) {

  /** The entry class inside the job jar. */
  public static final String ENTRY_CLASS = "dev.upsampler.flink.JobMain";

  public static JobArguments resolve(Path jobFile, Map<String, String> overrides)
      throws IOException {
    JobDefinition def = JobDefinition.load(jobFile, overrides);
    Map<String, String> args = new LinkedHashMap<>(overrides);
    args.put("input", absolute(def.input()));
    args.put("output", absolute(def.output()));
    Path kernel = Path.of(def.kernel());
    if (Files.isRegularFile(kernel)) {
      args.put("kernel", kernel.toAbsolutePath().normalize().toString());
    }
    List<String> list = new ArrayList<>();
    list.add(jobFile.toAbsolutePath().normalize().toString());
    args.forEach((k, v) -> {
      if (k.startsWith(JobDefinition.FLINK_PREFIX)) {
        // One token, as Flink's CLI takes it: Flink's logs then mask the whole argument when its
        // key names a secret (s3.secret-key), where a separate value would be printed.
        list.add("-D" + k.substring(JobDefinition.FLINK_PREFIX.length()) + "=" + v);
      } else {
        list.add("--" + k);
        list.add(v);
      }
    });
    return new JobArguments(def, List.copyOf(list));
  }

  private static String absolute(String location) {
    return location.contains("://") ? location
        : Path.of(location).toAbsolutePath().normalize().toString();
  }
}
