package dev.upsampler.flink;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import java.io.IOException;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Meter;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes, upscales and re-encodes each frame. The engine's thread pool and the upscaler are
 * created in {@code open()} and released in {@code close()}; a frame that cannot be decoded or
 * upscaled goes to the {@link #REJECTS} side output with its reason, and the job carries on.
 *
 * <p>Video frames arrive raw (RGB24) and leave raw for a video output, or encoded as numbered
 * frames. With {@code overload: drop}, a frame older than {@code max-latency-ms} when it arrives
 * is dropped and counted. Rejected and dropped frames of a sequence leave a skip marker behind,
 * so the ordering downstream need not wait for them.
 *
 * <p>Metrics (group "upsampler"): framesIn, framesOut, rejected, framesDropped, framesPerSecond,
 * pixelsPerSecond (output pixels), latencyMs (ingest to upscaled, histogram of the last 1000).
 */
public class UpscaleFunction extends ProcessFunction<FrameRecord, FrameRecord> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(UpscaleFunction.class);

  /** Frames that could not be upscaled, with the reason. */
  public static final OutputTag<Reject> REJECTS = new OutputTag<>("rejects") {};
  public static final String WRITTEN = "frames-upscaled";
  public static final String REJECTED = "frames-rejected";
  public static final String DROPPED = "frames-dropped";

  private final JobDefinition def;
  private transient Parallelism par;
  private transient Upscaler upscaler;
  private transient Counter framesIn;
  private transient Counter framesOut;
  private transient Counter rejected;
  private transient Counter pixels;
  private transient Histogram latency;
  private transient LongCounter writtenTotal;
  private transient LongCounter rejectedTotal;
  private transient Counter dropped;
  private transient LongCounter droppedTotal;

  /** False inside a user's pipeline: only upscaled frames leave, no markers (see below). */
  private final boolean markers;

  public UpscaleFunction(JobDefinition def) {
    this(def, true);
  }

  /**
   * @param markers whether markers pass and rejected or dropped frames of a sequence leave a skip
   *     marker (for this project's ordering and video sinks); without, only upscaled frames leave
   */
  UpscaleFunction(JobDefinition def, boolean markers) {
    this.def = def;
    this.markers = markers;
  }

  @Override
  public void open(OpenContext ctx) throws IOException {
    par = Parallelism.newPool(def.threads());
    upscaler = new Upscaler(def.upscaleKernel(), ColorMode.parse(def.color()), par);
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("upsampler");
    framesIn = g.counter("framesIn");
    framesOut = g.counter("framesOut");
    rejected = g.counter("rejected");
    pixels = g.counter("pixelsOut");
    g.meter("framesPerSecond", new MeterView(framesOut, 10));
    g.meter("pixelsPerSecond", new MeterView(pixels, 10));
    latency = g.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
    dropped = g.counter("framesDropped");
    droppedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(DROPPED, droppedTotal);
    writtenTotal = new LongCounter();
    rejectedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(WRITTEN, writtenTotal);
    getRuntimeContext().addAccumulator(REJECTED, rejectedTotal);
    LOG.info("upscaling with {} x{} ({}), engine {}", def.kernel(), def.scale(), def.color(),
        upscaler.kernel().pathDescription());
  }

  @Override
  public void processElement(FrameRecord r, Context ctx, Collector<FrameRecord> out) {
    if (r.isMarker()) {
      if (r.dropped) {
        droppedTotal.add(1); // dropped by the live source's full queue: the run reports it
      }
      if (markers) {
        out.collect(r); // end of stream, or a gap to step over: keeps its place in the order
      }
      return;
    }
    framesIn.inc();
    if (r.error != null) {
      reject(ctx, r, r.error, out);
      return;
    }
    long age = System.currentTimeMillis() - r.ingestMillis;
    if (def.video().dropWhenLate() && age > def.video().maxLatencyMs()) {
      dropped.inc();
      droppedTotal.add(1);
      gap(r, out);
      return;
    }
    if (def.videoOutput() && r.sequence < 0) {
      // A still without a frame number has no place in a video: the sink would leave it out
      // and the run would have reported it written.
      reject(ctx, r, r.sourceName + ": no frame number in its name, so no place in the video"
          + " (name image sequences like frame_00001.png)", out);
      return;
    }
    FrameRecord o;
    try {
      o = r.width > 0 ? upscaleRaw(r) : upscaleEncoded(r);
    } catch (IOException | RuntimeException e) {
      reject(ctx, r, e.getMessage() == null ? e.toString() : e.getMessage(), out);
      return;
    }
    // Outside the try: a failure downstream (a task being cancelled, a sink failing) is the
    // job's failure to recover from, not a bad frame.
    out.collect(o);
    framesOut.inc();
    latency.update(System.currentTimeMillis() - r.ingestMillis);
    writtenTotal.add(1);
  }

  /** An image file's bytes: decode, upscale, encode in the output format. */
  private FrameRecord upscaleEncoded(FrameRecord r) throws IOException {
    java.nio.file.Path name = java.nio.file.Path.of(r.sourceName);
    Frame in = ImageCodecs.decode(r.data, name, def.maxPixels());
    Frame up = upscaler.apply(in);
    FrameRecord o = r.derive();
    if (def.videoOutput()) {
      return raw(o, up);
    }
    String format = ImageCodecs.formatFor(name, def.format());
    o.outputName = r.outputName.replaceAll("\\.[^.]+$", "") + "." + format;
    o.data = ImageCodecs.encode(up, format, def.quality());
    pixels.inc((long) up.width() * up.height());
    return o;
  }

  /** A decoded video frame: upscale; stays raw for a video output, else becomes a numbered PNG
   * (or JPEG) named after its stream and position. */
  private FrameRecord upscaleRaw(FrameRecord r) throws IOException {
    if ((long) r.width * r.height > def.maxPixels()) {
      throw new IOException(r.origin + ": frame " + r.sequence + " is " + r.width + "x"
          + r.height + ", above max-pixels " + def.maxPixels());
    }
    Frame up = upscaler.apply(Raw.frame(r));
    FrameRecord o = r.derive();
    if (def.videoOutput()) {
      return raw(o, up);
    }
    String format = def.format() == null ? "png" : ImageCodecs.formatFor(
        java.nio.file.Path.of("x." + def.format()), null);
    o.outputName = String.format(java.util.Locale.ROOT, "frame_%08d.%s", r.sequence, format);
    o.data = ImageCodecs.encode(up, format, def.quality());
    pixels.inc((long) up.width() * up.height());
    return o;
  }

  private FrameRecord raw(FrameRecord o, Frame up) throws IOException {
    if (up.layout() != PixelLayout.RGB24 && up.layout() != PixelLayout.YUV420P) {
      throw new IOException(o.sourceName + ": " + up.layout().id() + " frames cannot go into a"
          + " video (8-bit RGB only)");
    }
    Raw.fill(o, up);
    pixels.inc((long) up.width() * up.height());
    return o;
  }

  private void reject(Context ctx, FrameRecord r, String reason, Collector<FrameRecord> out) {
    rejected.inc();
    rejectedTotal.add(1);
    LOG.warn("rejected {}: {}", r.sourceName, reason);
    ctx.output(REJECTS, Reject.of(r, r.sourceName, reason));
    if (r.sequence >= 0) {
      gap(r, out); // its successors need not wait for it
    }
  }

  /** Leaves a skip marker in the place of {@code r}, when this function emits markers. */
  private void gap(FrameRecord r, Collector<FrameRecord> out) {
    if (markers) {
      FrameRecord gap = r.derive();
      gap.skip = true;
      out.collect(gap);
    }
  }

  @Override
  public void close() {
    if (par != null) {
      par.close();
    }
  }
}
