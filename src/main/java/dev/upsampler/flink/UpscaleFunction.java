package dev.upsampler.flink;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
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
 * <p>Metrics (group "upsampler"): framesIn, framesOut, rejected, framesPerSecond, pixelsPerSecond
 * (output pixels), latencyMs (ingest to upscaled, histogram of the last 1000).
 */
public class UpscaleFunction extends ProcessFunction<FrameRecord, FrameRecord> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(UpscaleFunction.class);

  /** Frames that could not be upscaled, with the reason. */
  public static final OutputTag<Reject> REJECTS = new OutputTag<>("rejects") {};
  public static final String WRITTEN = "frames-upscaled";
  public static final String REJECTED = "frames-rejected";

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

  public UpscaleFunction(JobDefinition def) {
    this.def = def;
  }

  @Override
  public void open(OpenContext ctx) throws IOException {
    par = Parallelism.newPool(def.threads());
    upscaler = new Upscaler(KernelFiles.resolve(def.kernel(), def.scaleYx()),
        ColorMode.parse(def.color()), par);
    MetricGroup g = getRuntimeContext().getMetricGroup().addGroup("upsampler");
    framesIn = g.counter("framesIn");
    framesOut = g.counter("framesOut");
    rejected = g.counter("rejected");
    pixels = g.counter("pixelsOut");
    g.meter("framesPerSecond", new MeterView(framesOut, 10));
    g.meter("pixelsPerSecond", new MeterView(pixels, 10));
    latency = g.histogram("latencyMs", new DescriptiveStatisticsHistogram(1000));
    writtenTotal = new LongCounter();
    rejectedTotal = new LongCounter();
    getRuntimeContext().addAccumulator(WRITTEN, writtenTotal);
    getRuntimeContext().addAccumulator(REJECTED, rejectedTotal);
    LOG.info("upscaling with {} x{} ({}), engine {}", def.kernel(), def.scale(), def.color(),
        upscaler.kernel().layer(1).pathDescription());
  }

  @Override
  public void processElement(FrameRecord r, Context ctx, Collector<FrameRecord> out) {
    framesIn.inc();
    if (r.error != null) {
      reject(ctx, r, r.error);
      return;
    }
    FrameRecord o;
    try {
      java.nio.file.Path name = java.nio.file.Path.of(r.sourceName);
      Frame in = ImageCodecs.decode(r.data, name, def.maxPixels());
      Frame up = upscaler.apply(in);
      String format = ImageCodecs.formatFor(name, def.format());
      o = new FrameRecord();
      o.streamId = r.streamId;
      o.sequence = r.sequence;
      o.timestampMicros = r.timestampMicros;
      o.sourceName = r.sourceName;
      o.outputName = r.outputName.replaceAll("\\.[^.]+$", "") + "." + format;
      o.data = ImageCodecs.encode(up, format, def.quality());
      o.ingestMillis = r.ingestMillis;
      pixels.inc((long) up.width() * up.height());
    } catch (IOException | RuntimeException e) {
      reject(ctx, r, e.getMessage() == null ? e.toString() : e.getMessage());
      return;
    }
    // Outside the try: a failure downstream (a task being cancelled, a sink failing) is the
    // job's failure to recover from, not a bad frame.
    out.collect(o);
    framesOut.inc();
    latency.update(System.currentTimeMillis() - r.ingestMillis);
    writtenTotal.add(1);
  }

  private void reject(Context ctx, FrameRecord r, String reason) {
    rejected.inc();
    rejectedTotal.add(1);
    LOG.warn("rejected {}: {}", r.sourceName, reason);
    ctx.output(REJECTS, new Reject(r.sourceName, reason, System.currentTimeMillis()));
  }

  @Override
  public void close() {
    if (par != null) {
      par.close();
    }
  }
}
