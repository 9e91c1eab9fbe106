package dev.upsampler.cli;

import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.LatencyRecorder;
import dev.upsampler.flink.ReorderFunction;
import dev.upsampler.flink.UpscaleFunction;
import dev.upsampler.flink.video.ChunkedVideoPipeline;
import dev.upsampler.flink.UpscaleJob;
import dev.upsampler.storage.Storage;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run}: a job definition on an embedded (local) Flink, with progress and a summary. */
@Command(
    name = "run",
    description = {
      "Runs a job definition (YAML, see jobs/) on an embedded Flink in this JVM: reads images,"
          + " video files or a live URL, upscales the frames in parallel, writes"
          + " OUTPUT/<stream>/<name> (or a video per stream) and a rejects report"
          + " _rejects.jsonl. Flags override the file.",
      ""
    },
    footer = {"", "Examples: run jobs/demo.yaml --scale 3 --kernel lanczos3",
        "          run jobs/video.yaml --input clip.mp4 --output clip-x2.mp4 --realtime"})
final class RunCommand extends BaseCommand {

  @Parameters(index = "0", paramLabel = "JOB.yaml", description = "The job definition.")
  Path job;

  @Mixin JobOverrides overrides;

  @Option(names = "--web-ui", paramLabel = "PORT", arity = "0..1", fallbackValue = "8081",
      description = "Serve Flink's web UI on 127.0.0.1 while the job runs (default port"
          + " ${FALLBACK-VALUE}).")
  Integer webUi;

  @Override
  public Integer call() throws Exception {
    JobDefinition def = JobDefinition.load(job, overrides.asMap());
    out().printf(Locale.ROOT, "job %s: %s -> %s, %s x%s (%s), parallelism %d, engine %s%n",
        def.name(), def.input(), def.output(), def.kernel(), def.scale(), def.color(),
        def.parallelism(), def.upscaleKernel().pathDescription());
    // An embedded Flink never sets its file systems up: s3:// needs the job's settings now.
    Storage.initialize(def.flink());
    UpscaleJob.checkStorage(def);
    Configuration conf = embeddedConfiguration(def);
    StreamExecutionEnvironment env;
    if (webUi != null) {
      // Loopback only: the dashboard can cancel jobs and upload jars.
      conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
      conf.set(RestOptions.ADDRESS, "127.0.0.1");
      conf.set(RestOptions.BIND_PORT, Integer.toString(webUi));
      conf.set(CoreOptions.DEFAULT_PARALLELISM, def.parallelism());
      env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
      out().println("web UI: http://127.0.0.1:" + webUi + "/ (while the job runs)");
    } else {
      env = StreamExecutionEnvironment.createLocalEnvironment(def.parallelism(), conf);
    }
    UpscaleJob.build(env, def);
    long start = System.nanoTime();
    JobClient client = env.executeAsync("upsampler " + def.name());
    CompletableFuture<JobExecutionResult> done = client.getJobExecutionResult();
    String last = "";
    while (!done.isDone()) {
      try {
        done.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        String line = progress(client, start);
        if (line != null && !line.equals(last)) {
          err().println(line);
          last = line;
        }
      }
    }
    JobExecutionResult result = done.get();
    Map<String, Object> acc = result.getAllAccumulatorResults();
    long written = UpscaleJob.framesWritten(k -> count(acc, k));
    long rejected = UpscaleJob.framesRejected(k -> count(acc, k));
    long dropped = count(acc, UpscaleFunction.DROPPED);
    double secs = (System.nanoTime() - start) / 1e9;
    out().printf(Locale.ROOT, "done in %.1f s: %d frames written to %s, %d rejected%s,"
        + " %.2f frames/s%n", secs, written, def.output(), rejected,
        rejected > 0 ? " (see " + def.rejectsLocation() + ")" : "",
        written / secs);
    if (acc.get(ReorderFunction.LATENCY) instanceof Map<?, ?> histogram && !histogram.isEmpty()) {
      out().printf(Locale.ROOT, "latency source to sink: p50 %d ms, p99 %d ms, max %d ms%s%n",
          LatencyRecorder.percentile(histogram, 0.50), LatencyRecorder.percentile(histogram, 0.99), LatencyRecorder.percentile(histogram, 1.0),
          dropped > 0 ? "; " + dropped + " frames dropped (overload: drop)" : "");
    }
    long chunks = count(acc, ChunkedVideoPipeline.CHUNKS);
    if (chunks > 0) {
      out().printf(Locale.ROOT, "by %d keyframe chunk(s) of about %s s, each decoded, upscaled"
          + " and encoded on one subtask, joined by stream copy%n", chunks,
          new java.text.DecimalFormat("0.##").format(def.video().chunkSeconds()));
    }
    return rejected > 0 ? Errors.BAD_INPUT : 0;
  }

  /**
   * The job's configuration for an embedded run: checkpoints on disk (the temporary directory,
   * unless the job names a place), not in the JobManager's memory, where Flink refuses state
   * above 5 MB: frames waiting for their turn in the reordering are 1-20 MB each, and such a
   * checkpoint failing made the job restart again and again.
   */
  static Configuration embeddedConfiguration(JobDefinition def) {
    Configuration conf = UpscaleJob.configuration(def);
    if (!conf.containsKey(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key())) {
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, java.nio.file.Path.of(
          System.getProperty("java.io.tmpdir"), "upsampler-checkpoints").toUri().toString());
    }
    return conf;
  }

  private static long count(Map<String, Object> acc, String key) {
    Object v = acc.get(key);
    return v instanceof Number n ? n.longValue() : 0;
  }

  /** A progress line from the running job's accumulators, or null once it has gone. */
  private static String progress(JobClient client, long start) {
    try {
      Map<String, Object> acc = client.getAccumulators().get(1, TimeUnit.SECONDS);
      long written = UpscaleJob.framesWritten(k -> count(acc, k));
      long rejected = UpscaleJob.framesRejected(k -> count(acc, k));
      if (written == 0 && rejected == 0) {
        return null; // nothing to report yet (the job is starting)
      }
      double secs = (System.nanoTime() - start) / 1e9;
      return String.format(Locale.ROOT, "  %d written, %d rejected, %.2f frames/s", written,
          rejected, written / secs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      return null; // the job finished (or is finishing) meanwhile
    }
  }
}
