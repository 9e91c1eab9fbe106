package dev.upsampler.flink;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Puts the frames of each stream (the key) back in sequence order after parallel upscaling. The
 * next expected sequence number lives in {@link ValueState}, early frames in {@link MapState}
 * (checkpointed, so a restore keeps the order).
 *
 * <ul>
 *   <li>Frames with sequence -1 (still images) pass straight through.
 *   <li>The first expected number is unknown until {@code stallMillis} have passed since the
 *       first frame (then the smallest buffered starts the stream), or {@code firstSequence}
 *       when the source knows it (video starts at 0).
 *   <li>A gap (a frame rejected or lost upstream) is skipped once the next frame has waited
 *       {@code stallMillis}, or at once when more than {@code maxBuffered} frames wait: the
 *       buffer is bounded. Skipped numbers are counted (metric {@code framesSkipped}).
 *   <li>At the end of a bounded input (Flink's final watermark) everything left is emitted in
 *       order.
 *   <li>A frame older than the next expected one (after a skip) is emitted at once and counted
 *       ({@code framesLate}): order is best effort for it, loss is never an option.
 * </ul>
 *
 * <p>Each frame's time from its source to here (just before the sink) is recorded by a {@link
 * LatencyRecorder}.
 */
public class ReorderFunction extends KeyedProcessFunction<String, FrameRecord, FrameRecord> {
  private static final long serialVersionUID = 1L;
  private final int maxBuffered;
  private final long stallMillis;
  private final long firstSequence;
  private transient ValueState<Long> next;
  private transient MapState<Long, FrameRecord> pending;
  private transient Counter skipped;
  private transient Counter late;
  private transient LatencyRecorder latency;
  /** Output name -> the source that claimed it, per stream (image files only), or null. */
  private transient MapState<String, String> claimed;
  private transient LongCounter notWritten;
  private boolean guardNames;

  /** Frames refused here because another input of the job already has their output path. */
  public static final OutputTag<Reject> REJECTS = new OutputTag<>("name-collisions") {};
  /** Accumulator: frames upscaled but refused before the sink (output path collisions). */
  public static final String NOT_WRITTEN = "frames-not-written";

  /** Accumulator: milliseconds from source to sink per frame (a histogram by millisecond). */
  public static final String LATENCY = LatencyRecorder.LATENCY;

  /** @param firstSequence the stream's first number, or -1 when unknown */
  public ReorderFunction(int maxBuffered, long stallMillis, long firstSequence) {
    this.maxBuffered = maxBuffered;
    this.stallMillis = stallMillis;
    this.firstSequence = firstSequence;
  }

  /**
   * Refuses a frame whose output name another source of its stream already has ({@code a.png}
   * and {@code a.jpg} both written as {@code a.png}, say): it goes to {@link #REJECTS} instead
   * of overwriting the other. The claims are keyed state, so they hold across restores, and a
   * replayed frame (the same source) is let through again.
   */
  public ReorderFunction guardingOutputNames() {
    this.guardNames = true;
    return this;
  }

  @Override
  public void open(OpenContext ctx) {
    next = getRuntimeContext().getState(new ValueStateDescriptor<>("next", Long.class));
    pending = getRuntimeContext().getMapState(
        new MapStateDescriptor<>("pending", Long.class, FrameRecord.class));
    skipped = getRuntimeContext().getMetricGroup().addGroup("upsampler").counter("framesSkipped");
    late = getRuntimeContext().getMetricGroup().addGroup("upsampler").counter("framesLate");
    latency = new LatencyRecorder(getRuntimeContext());
    if (guardNames) {
      claimed = getRuntimeContext().getMapState(
          new MapStateDescriptor<>("claimed-names", String.class, String.class));
      notWritten = new LongCounter();
      getRuntimeContext().addAccumulator(NOT_WRITTEN, notWritten);
    }
  }

  @Override
  public void processElement(FrameRecord r, Context ctx, Collector<FrameRecord> out)
      throws Exception {
    if (r.sequence < 0) {
      emit(r, out, ctx);
      return;
    }
    Long n = next.value();
    if (n == null && firstSequence >= 0) {
      n = firstSequence;
      next.update(n);
    }
    if (n != null && r.sequence < n) {
      late.inc();
      emit(r, out, ctx);
      return;
    }
    pending.put(r.sequence, r);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE); // end of input: flush
    if (n != null) {
      drain(out, ctx);
    }
    if (count() > maxBuffered) {
      skipTo(smallest(), out, ctx);
    } else if (!pending.isEmpty()) {
      ctx.timerService().registerProcessingTimeTimer(
          ctx.timerService().currentProcessingTime() + stallMillis);
    }
  }

  @Override
  public void onTimer(long time, OnTimerContext ctx, Collector<FrameRecord> out)
      throws Exception {
    if (pending.isEmpty()) {
      return;
    }
    if (time == Long.MAX_VALUE) {
      while (!pending.isEmpty()) {
        skipTo(smallest(), out, ctx);
      }
      return;
    }
    skipTo(smallest(), out, ctx); // stalled: start the stream, or step over a gap
    if (!pending.isEmpty()) {
      ctx.timerService().registerProcessingTimeTimer(
          ctx.timerService().currentProcessingTime() + stallMillis);
    }
  }

  /** Makes {@code s} the next expected number (counting any skipped), then emits what follows. */
  private void skipTo(long s, Collector<FrameRecord> out, Context ctx) throws Exception {
    Long n = next.value();
    if (n != null && s > n) {
      skipped.inc(s - n);
    }
    next.update(s);
    drain(out, ctx);
  }

  private void drain(Collector<FrameRecord> out, Context ctx) throws Exception {
    long n = next.value();
    FrameRecord r;
    while ((r = pending.get(n)) != null) {
      emit(r, out, ctx);
      pending.remove(n);
      n++;
    }
    next.update(n);
  }

  /** Sends a record on, measuring how long its frame took from the source to here. */
  private void emit(FrameRecord r, Collector<FrameRecord> out, Context ctx) throws Exception {
    if (claimed != null && !r.isMarker()) {
      String owner = claimed.get(r.outputName);
      if (owner != null && !owner.equals(r.sourceName)) {
        notWritten.add(1);
        ctx.output(REJECTS, Reject.of(r, under(r.streamId, r.sourceName), "its output "
            + under(r.streamId, r.outputName) + " is already written from "
            + under(r.streamId, owner) + "; rename one of the two inputs"));
        return;
      }
      claimed.put(r.outputName, r.sourceName);
    }
    latency.record(r);
    out.collect(r);
  }

  /** A name in its stream's directory, as the output shows it. */
  private static String under(String stream, String name) {
    return stream == null || stream.isEmpty() ? name : stream + "/" + name;
  }

  private long smallest() throws Exception {
    long min = Long.MAX_VALUE;
    for (Long k : pending.keys()) {
      min = Math.min(min, k);
    }
    return min;
  }

  private int count() throws Exception {
    List<Long> keys = new ArrayList<>();
    pending.keys().forEach(keys::add);
    return keys.size();
  }
}
