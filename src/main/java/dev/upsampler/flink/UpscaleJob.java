package dev.upsampler.flink;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The image job: files from a directory ({@link ImageFileFormat}) -> upscale ({@link
 * UpscaleFunction}, parallel) -> back in sequence order per stream ({@link ReorderFunction}) ->
 * frame files ({@link FrameFileSink}); rejects -> a JSON-lines report ({@link RejectsSink}).
 * Sinks are arguments, so tests plug in their own.
 */
public final class UpscaleJob {
  /** Frames one stream may hold back waiting for an earlier one. */
  static final int REORDER_BUFFER = 256;
  /** How long a stream waits for a missing frame before stepping over it. */
  static final long REORDER_STALL_MILLIS = 2000;

  /** Largest input file read as one frame: 1 GiB. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private UpscaleJob() {}

  /** Settings the job needs from its environment: generic types off, checkpoints, restarts. */
  public static Configuration configuration(JobDefinition def) {
    Configuration c = new Configuration();
    c.set(PipelineOptions.GENERIC_TYPES, false); // a Kryo fallback fails at graph build time
    if (def.checkpointIntervalSeconds() > 0) {
      c.setString("execution.checkpointing.interval", def.checkpointIntervalSeconds() + " s");
    }
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, def.restartAttempts());
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    return c;
  }

  /** Adds the job to {@code env}. */
  public static void build(StreamExecutionEnvironment env, JobDefinition def,
      Sink<FrameRecord> frames, Sink<Reject> rejects) {
    FileSource.FileSourceBuilder<FrameRecord> source = FileSource.forBulkFileFormat(
        new ImageFileFormat(MAX_FILE_BYTES), new Path(def.input()))
        .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(new ImageFileFilter()));
    if (def.monitorIntervalSeconds() > 0) {
      source.monitorContinuously(Duration.ofSeconds(def.monitorIntervalSeconds()));
    }
    SingleOutputStreamOperator<FrameRecord> upscaled = env
        .fromSource(source.build(), WatermarkStrategy.noWatermarks(), "images: " + def.input())
        .process(new UpscaleFunction(def)).name("upscale " + def.kernel() + " x" + def.scale())
        .setParallelism(def.parallelism());
    // Frames of one stream leave in sequence order, whatever subtask upscaled them.
    upscaled.keyBy(r -> r.streamId)
        .process(new ReorderFunction(REORDER_BUFFER, REORDER_STALL_MILLIS, -1))
        .name("reorder per stream").setParallelism(def.parallelism())
        .sinkTo(frames).name("write " + def.output()).setParallelism(def.parallelism());
    upscaled.getSideOutput(UpscaleFunction.REJECTS).sinkTo(rejects).name("rejects report")
        .setParallelism(1);
  }

  /** The job with its real sinks. */
  public static void build(StreamExecutionEnvironment env, JobDefinition def) {
    build(env, def, new FrameFileSink(def.output()), new RejectsSink(def.output()));
  }
}
