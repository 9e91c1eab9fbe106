package dev.upsampler.flink;

import dev.upsampler.flink.kafka.KafkaConnectors;
import dev.upsampler.flink.kafka.KafkaTopic;
import dev.upsampler.flink.kafka.KafkaTopics;
import dev.upsampler.flink.video.ChunkedVideoPipeline;
import dev.upsampler.storage.Storage;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import java.io.IOException;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job: images from a directory ({@link ImageFileFormat}), video files ({@link
 * VideoFileFormat}), a live URL ({@link LiveVideoSource}) or a Kafka topic ({@link
 * KafkaConnectors}) -> upscale ({@link UpscaleFunction}, parallel) -> back in sequence order per
 * stream ({@link ReorderFunction}) -> frame files ({@link FrameFileSink}), one video per stream
 * ({@link VideoSink}) or a topic; rejects -> a JSON-lines report ({@link RejectsSink}) or the
 * rejects topic. Files live on any Flink file system ({@code dev.upsampler.storage}). Sinks are
 * arguments, so tests plug in their own. Video files to a video take another shape: keyframe
 * chunks transcoded where they are read, segments joined ({@link ChunkedVideoPipeline}).
 */
public final class UpscaleJob {
  /** Frames one stream may hold back waiting for an earlier one. */
  static final int REORDER_BUFFER = 256;
  /** The same for raw video frames (a 1440p frame is 5.5 to 11 MB). */
  static final int VIDEO_REORDER_BUFFER = 64;
  /**
   * Video sources number every frame and leave a marker for each one dropped or rejected, so a
   * gap only means a frame is late, held up by backpressure (seen: more than 2 s): wait long.
   */
  static final long VIDEO_REORDER_STALL_MILLIS = 60_000;
  /** How long a stream waits for a missing frame before stepping over it. */
  static final long REORDER_STALL_MILLIS = 2000;

  /** Largest input file read as one frame: 1 GiB. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  private UpscaleJob() {}

  /** Settings the job needs from its environment: generic types off, checkpoints, restarts. */
  public static Configuration configuration(JobDefinition def) {
    Configuration c = new Configuration();
    c.set(PipelineOptions.GENERIC_TYPES, false); // a Kryo fallback fails at graph build time
    if (inOrderAlready(def)) {
      // Source, upscaling and sink chained in one thread: no function keeps a record it has
      // passed on, so chained operators may hand over the same object instead of copying
      // multi-megabyte frames.
      c.set(PipelineOptions.OBJECT_REUSE, true);
    }
    if (def.checkpointIntervalSeconds() > 0) {
      c.setString("execution.checkpointing.interval", def.checkpointIntervalSeconds() + " s");
    }
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, def.restartAttempts());
    c.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    // The job's own Flink settings (flink: map, -D) last: what the user names explicitly wins.
    def.flink().forEach(c::setString);
    return c;
  }

  /**
   * True when frames reach the sink in sequence order without help: video or live input (one
   * reader decodes each stream from start to end) upscaled by a single subtask.
   */
  static boolean inOrderAlready(JobDefinition def) {
    return (def.source() == VideoOptions.Source.VIDEO || def.source() == VideoOptions.Source.LIVE)
        && def.parallelism() == 1;
  }

  /** True for sources of raw, numbered video frames (one reader decodes a whole stream). */
  private static boolean videoFrames(JobDefinition def) {
    return def.source() == VideoOptions.Source.VIDEO || def.source() == VideoOptions.Source.LIVE;
  }

  /**
   * Frames handed to the sink, from the job's counters: upscaled, less those refused before the
   * sink (output name clashes), which count as rejected instead.
   */
  public static long framesWritten(java.util.function.ToLongFunction<String> counter) {
    return counter.applyAsLong(UpscaleFunction.WRITTEN)
        - counter.applyAsLong(ReorderFunction.NOT_WRITTEN);
  }

  /** Frames rejected anywhere in the job (see {@link #framesWritten}). */
  public static long framesRejected(java.util.function.ToLongFunction<String> counter) {
    return counter.applyAsLong(UpscaleFunction.REJECTED)
        + counter.applyAsLong(ReorderFunction.NOT_WRITTEN);
  }

  /** Adds the job to {@code env}. */
  public static void build(StreamExecutionEnvironment env, JobDefinition def,
      Sink<FrameRecord> frames, Sink<Reject> rejects) {
    boolean sequences = videoFrames(def);
    DataStream<FrameRecord> in = source(env, def);
    if (sequences && def.parallelism() > 1) {
      in = in.rebalance(); // one video (one split) still keeps every upscaling subtask busy
    }
    SingleOutputStreamOperator<FrameRecord> upscaled = in
        .process(new UpscaleFunction(def)).name("upscale " + def.kernel() + " x" + def.scale())
        .setParallelism(def.parallelism());
    DataStream<Reject> allRejects = upscaled.getSideOutput(UpscaleFunction.REJECTS);
    if (inOrderAlready(def)) {
      // One reader and one upscaler: frames are still in order, and the whole chain runs in one
      // thread with no copy of a raw frame between operators (object reuse, see configuration).
      DataStream<FrameRecord> probed = upscaled.process(new LatencyProbe()).name("latency")
          .setParallelism(1);
      allRejects = toSink(probed, def, frames, 1, allRejects);
    } else {
      // Frames of one stream leave in sequence order, whatever subtask upscaled them. Video
      // frames are raw, so fewer wait in the buffer; the video sink is one writer, and the
      // ordering beside it (chained: raw frames are not shipped twice).
      int sinkParallelism = def.videoOutput() ? 1 : def.parallelism();
      ReorderFunction reorder = sequences
          ? new ReorderFunction(VIDEO_REORDER_BUFFER, VIDEO_REORDER_STALL_MILLIS, 0)
          : new ReorderFunction(REORDER_BUFFER, REORDER_STALL_MILLIS, -1);
      if (!def.videoOutput() && !def.kafkaOutput()) {
        reorder.guardingOutputNames(); // files: no two inputs may share an output path
      }
      SingleOutputStreamOperator<FrameRecord> ordered = upscaled.keyBy(r -> r.streamId)
          .process(reorder).name("reorder per stream").setParallelism(sinkParallelism);
      allRejects = allRejects.union(ordered.getSideOutput(ReorderFunction.REJECTS));
      allRejects = toSink(ordered, def, frames, sinkParallelism, allRejects);
    }
    allRejects.sinkTo(rejects).name("rejects report").setParallelism(1);
  }

  /**
   * Hands frames to the sink; before a Kafka sink, markers go and frames above the record limit
   * become rejects (returned with the others).
   */
  private static DataStream<Reject> toSink(DataStream<FrameRecord> frames, JobDefinition def,
      Sink<FrameRecord> sink, int parallelism, DataStream<Reject> rejects) {
    if (def.kafkaOutput()) {
      SingleOutputStreamOperator<FrameRecord> limited = frames
          .process(new KafkaConnectors.RecordLimit(def.kafka().maxRecordBytes()))
          .name("record limit").setParallelism(parallelism);
      limited.sinkTo(sink).name("write " + def.output()).setParallelism(parallelism);
      return rejects.union(limited.getSideOutput(KafkaConnectors.RecordLimit.REJECTS));
    }
    frames.sinkTo(sink).name("write " + def.output()).setParallelism(parallelism);
    return rejects;
  }

  private static DataStream<FrameRecord> source(StreamExecutionEnvironment env,
      JobDefinition def) {
    switch (def.source()) {
      case KAFKA:
        return env.fromSource(KafkaConnectors.source(KafkaTopic.parse(def.input()), def.kafka()),
            WatermarkStrategy.noWatermarks(), "kafka: " + def.input());
      case LIVE:
        return env.fromSource(new LiveVideoSource(def.input(), def.video(), def.yuvFrames()),
            WatermarkStrategy.noWatermarks(), "live: " + def.input()).setParallelism(1);
      case VIDEO:
        return env.fromSource(files(def, new VideoFileFormat(def.video().realtime(),
            def.yuvFrames()),
            MediaFileFilter.videos()), WatermarkStrategy.noWatermarks(), "video: " + def.input());
      default:
        return env.fromSource(files(def, new ImageFileFormat(MAX_FILE_BYTES, def.input()),
            MediaFileFilter.images()), WatermarkStrategy.noWatermarks(), "images: " + def.input());
    }
  }

  private static FileSource<FrameRecord> files(JobDefinition def,
      BulkFormat<FrameRecord, FileSourceSplit> format, MediaFileFilter filter) {
    return files(def.input(), format, filter, def.monitorIntervalSeconds() > 0
        ? Duration.ofSeconds(def.monitorIntervalSeconds()) : null);
  }

  /**
   * Whole files below {@code input} read by {@code format}, each file one split; with {@code
   * monitor}, new files keep coming in at that interval.
   */
  static FileSource<FrameRecord> files(String input,
      BulkFormat<FrameRecord, FileSourceSplit> format, MediaFileFilter filter,
      Duration monitor) {
    FileSource.FileSourceBuilder<FrameRecord> source = FileSource.forBulkFileFormat(
        format, new Path(input))
        .setFileEnumerator(() -> new NonSplittingRecursiveEnumerator(filter));
    if (monitor != null) {
      source.monitorContinuously(monitor);
    }
    return source.build();
  }

  /**
   * Fails with one line naming the location and the cause when the input cannot be read or the
   * output's file system cannot be reached (wrong endpoint or credentials, a missing bucket),
   * before any work starts. File systems must be set up ({@link Storage#initialize} in embedded
   * runs; a cluster does it from its configuration).
   */
  public static void checkStorage(JobDefinition def) throws IOException {
    if (def.source() == VideoOptions.Source.KAFKA) {
      KafkaTopics.requireInput(KafkaTopic.parse(def.input()), def.kafka());
    } else if (def.source() != VideoOptions.Source.LIVE) {
      Storage.requireExists(Storage.resolve(def.input()));
    }
    if (def.kafkaOutput()) {
      KafkaTopics.prepareOutput(KafkaTopic.parse(def.output()), def.kafka());
    } else {
      Storage.requireReachable(Storage.resolve(def.output()));
    }
    if (def.video().workDir() != null && chunked(def)) {
      Storage.requireReachable(Storage.resolve(def.video().workDir()));
    }
  }

  /**
   * True when video files become videos by chunks ({@link ChunkedVideoPipeline}): no raw frame
   * leaves the subtask that decoded it. Real-time replay keeps the frame-by-frame chain (its
   * point is latency per frame), as do live input and frame files out.
   */
  public static boolean chunked(JobDefinition def) {
    return def.source() == VideoOptions.Source.VIDEO && def.videoOutput()
        && !def.video().realtime() && !def.video().publishSegments();
  }

  /** The job with its real sinks. */
  public static void build(StreamExecutionEnvironment env, JobDefinition def) throws IOException {
    if (chunked(def)) {
      ChunkedVideoPipeline.build(env, def, MediaFileFilter.videos(),
          new RejectsSink(def.reportDirectory()));
      return;
    }
    if (def.kafkaOutput()) {
      KafkaTopic out = KafkaTopic.parse(def.output());
      boolean exactlyOnce = def.checkpointIntervalSeconds() > 0;
      build(env, def, KafkaConnectors.frames(out, def.kafka(), exactlyOnce, def.name()),
          KafkaConnectors.rejects(out, def.kafka(), exactlyOnce, def.name()));
      return;
    }
    Sink<FrameRecord> frames = def.videoOutput()
        ? new VideoSink(def.output(), def.video().encoderFor(def.output()),
            def.video().frameRate(), def.video().publishSegments())
        : new FrameFileSink(def.output());
    build(env, def, frames, new RejectsSink(def.reportDirectory()));
  }
}
