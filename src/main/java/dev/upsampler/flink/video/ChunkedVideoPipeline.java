package dev.upsampler.flink.video;

import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.Reject;
import java.io.Serializable;
import java.util.function.Predicate;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The chunked video job: chunks of every input video, transcoded where they are read (the
 * source, {@code parallelism} subtasks) -> counted -> joined per video (one subtask); chunks
 * that lost frames -> the rejects report.
 */
public final class ChunkedVideoPipeline {
  /** The job's counter of chunks done. */
  public static final String CHUNKS = "video-chunks";

  private ChunkedVideoPipeline() {}

  public static <F extends Predicate<Path> & Serializable> void build(
      StreamExecutionEnvironment env, JobDefinition def, F videoFiles, Sink<Reject> rejects) {
    build(env, def, videoFiles, new SegmentJoinSink(), rejects);
  }

  /** The same with the segments' sink as an argument (tests plug in their own). */
  public static <F extends Predicate<Path> & Serializable> void build(
      StreamExecutionEnvironment env, JobDefinition def, F videoFiles,
      Sink<ChunkSegment> videos, Sink<Reject> rejects) {
    int p = def.parallelism();
    SingleOutputStreamOperator<ChunkSegment> segments = env
        .fromSource(ChunkedVideoSource.of(def, videoFiles), WatermarkStrategy.noWatermarks(),
            "video chunks -> upscale " + def.kernel() + " x" + def.scale() + ": " + def.input())
        .setParallelism(p)
        .process(new SegmentAccounting()).name("count chunks").setParallelism(p);
    segments.sinkTo(videos).name("join " + def.output()).setParallelism(1);
    segments.getSideOutput(SegmentAccounting.REJECTS).sinkTo(rejects).name("rejects report")
        .setParallelism(1);
  }
}
