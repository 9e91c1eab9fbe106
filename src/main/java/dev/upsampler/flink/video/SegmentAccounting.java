package dev.upsampler.flink.video;

import dev.upsampler.flink.Reject;
import dev.upsampler.flink.UpscaleFunction;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Counts what each chunk gave in the job's own counters (frames written, frames rejected: a
 * chunk's frames that are not in its segment) so a chunked run reports like any other, and
 * turns chunks that lost frames into rejects: which chunk, how many frames, why.
 */
final class SegmentAccounting extends ProcessFunction<ChunkSegment, ChunkSegment> {
  private static final long serialVersionUID = 1L;
  static final OutputTag<Reject> REJECTS = new OutputTag<>("chunk rejects") {};

  private transient LongCounter written;
  private transient LongCounter rejected;
  private transient LongCounter chunksTotal;
  private transient Counter framesOut;
  private transient Counter chunks;

  @Override
  public void open(OpenContext ctx) {
    written = new LongCounter();
    rejected = new LongCounter();
    getRuntimeContext().addAccumulator(UpscaleFunction.WRITTEN, written);
    getRuntimeContext().addAccumulator(UpscaleFunction.REJECTED, rejected);
    chunksTotal = new LongCounter();
    getRuntimeContext().addAccumulator(ChunkedVideoPipeline.CHUNKS, chunksTotal);
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("upsampler");
    framesOut = g.counter("framesOut");
    chunks = g.counter("chunksDone");
    g.meter("framesPerSecond", new MeterView(framesOut, 10));
  }

  @Override
  public void processElement(ChunkSegment s, Context ctx, Collector<ChunkSegment> out) {
    written.add(s.frames);
    framesOut.inc(s.frames);
    chunks.inc();
    chunksTotal.add(1);
    long missing = s.missingFrames();
    // Decode errors alone are no loss: after a seek, B-frames shown before the chunk's keyframe
    // may fail for want of earlier frames, and they belong to the chunk before.
    if (s.error != null || missing > 0) {
      rejected.add(missing);
      String why = s.error != null ? s.error : s.decodeErrors > 0
          ? s.decodeErrors + " packet(s) could not be decoded"
          : "the decoder gave fewer frames than the demuxer counted";
      Reject r = new Reject(s.origin, "chunk " + (s.index + 1) + "/" + s.count + ": " + missing
          + " frame(s) left out: " + why, System.currentTimeMillis());
      r.streamId = s.stream;
      ctx.output(REJECTS, r);
    }
    out.collect(s);
  }
}
