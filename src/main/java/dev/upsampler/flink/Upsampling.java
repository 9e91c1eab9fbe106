package dev.upsampler.flink;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.UdfStreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;

/**
 * The upscaling operator for DataStream jobs of your own:
 *
 * <pre>{@code
 * DataStream<FrameRecord> frames = ...;   // FrameRecord.encoded(stream, sequence, name, bytes)
 * DataStream<FrameRecord> x2 = Upsampling.upscale(frames, "bicubic", 2);   // PNG bytes in data
 * DataStream<Reject> rejects = Upsampling.rejects(x2);   // undecodable, too large, ...
 * }</pre>
 *
 * or, with the other settings of a job definition,
 * {@code Upsampling.with("sr-x2", 2).threads(2).format("jpg").upscale(frames)}.
 *
 * <p>Each record is decoded, upscaled by the engine and encoded again in one operator (a
 * thread pool of {@link Builder#threads} per subtask); records leave in the order they arrive
 * within a subtask, so with parallelism above 1 a stream's frames may leave out of order (their
 * {@code sequence} tells). Only upscaled frames leave: a record that cannot be upscaled goes to
 * {@link #rejects} with the reason instead, and the job carries on. Raw video frames (as this
 * project's video sources emit them) leave encoded as {@code frame_NNNNNNNN.png}.
 *
 * <p>Kernels are the names {@code upscale --kernel} takes (nearest, bilinear, bicubic,
 * lanczos3, fcn, identity, the shipped models sr-x2, sr-x2-fast, sr-x3, sr-x4) or the path of
 * a kernel ({@code .npy}) or model ({@code .json}) file, which must exist where the job is built
 * and where it runs (on a cluster: on every TaskManager).
 */
@PublicEvolving
public final class Upsampling {
  private Upsampling() {}

  /**
   * Upscales encoded frames by {@code scale} in both directions with {@code kernel}, PNG out.
   *
   * @throws IllegalArgumentException for an unknown kernel, a bad model file or scale (before
   *     the job runs)
   */
  public static SingleOutputStreamOperator<FrameRecord> upscale(DataStream<FrameRecord> frames,
      String kernel, int scale) {
    return with(kernel, scale).upscale(frames);
  }

  /** Settings beyond kernel and scale; finish with {@link Builder#upscale}. */
  public static Builder with(String kernel, int scale) {
    return new Builder(kernel, scale + "," + scale);
  }

  /**
   * The records {@code upscaled} (a stream {@link #upscale} returned) could not upscale, each
   * with its source name, stream, sequence and reason.
   *
   * @throws IllegalArgumentException for a stream that {@link #upscale} did not return
   */
  public static DataStream<Reject> rejects(DataStream<FrameRecord> upscaled) {
    if (upscaled instanceof SingleOutputStreamOperator<FrameRecord> op
        && op.getTransformation() instanceof OneInputTransformation<?, ?> t
        && t.getOperatorFactory() instanceof UdfStreamOperatorFactory<?> f
        && f.getUserFunction() instanceof UpscaleFunction) {
      return op.getSideOutput(UpscaleFunction.REJECTS);
    }
    throw new IllegalArgumentException("Upsampling.rejects takes the stream Upsampling.upscale"
        + " returned, got " + upscaled.getTransformation().getName());
  }

  /**
   * The settings of one upscaling operator, as a job definition names them (see {@code
   * jobs/images.yaml}). Defaults: colour {@code auto}, PNG, one engine thread, the
   * environment's parallelism.
   */
  @PublicEvolving
  public static final class Builder {
    private final Map<String, String> settings = new LinkedHashMap<>();
    private int parallelism;

    private Builder(String kernel, String scaleXy) {
      settings.put("kernel", kernel);
      settings.put("scale", scaleXy);
      settings.put("format", "png");
    }

    /** Different scales across and down ({@code sx} by {@code sy}), 1..8 each. */
    public Builder scale(int sx, int sy) {
      settings.put("scale", sx + "," + sy);
      return this;
    }

    /**
     * {@code auto} (learned models on luma with chroma by bicubic, other kernels per channel),
     * {@code rgb} or {@code y}.
     */
    public Builder color(String mode) {
      settings.put("color", mode);
      return this;
    }

    /**
     * Runs a learned model as a geometric self-ensemble: the mean over the eight flips and
     * transposes of each frame, fewer artifacts at eight times the cost; networks only (a shipped
     * model or a model file), single-layer kernels are refused.
     */
    public Builder selfEnsemble() {
      settings.put("self-ensemble", "true");
      return this;
    }

    /** Output format: {@code png} (default), {@code jpg} or {@code bmp}; {@code keep} keeps
     * each input's format. */
    public Builder format(String format) {
      if ("keep".equals(format)) {
        settings.remove("format");
      } else {
        settings.put("format", format);
      }
      return this;
    }

    /** JPEG quality in (0, 1] (default 0.92). */
    public Builder quality(float quality) {
      settings.put("quality", Float.toString(quality));
      return this;
    }

    /** Engine threads per subtask (default 1: Flink's parallelism spreads the frames). */
    public Builder threads(int threads) {
      settings.put("threads", Integer.toString(threads));
      return this;
    }

    /** Largest input frame in pixels (default 2^28); larger ones are rejected, not decoded. */
    public Builder maxPixels(long pixels) {
      settings.put("max-pixels", Long.toString(pixels));
      return this;
    }

    /** Subtasks of the operator (default: the environment's parallelism). */
    public Builder parallelism(int parallelism) {
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
      }
      this.parallelism = parallelism;
      return this;
    }

    /**
     * Adds the operator after {@code frames}; its output holds the upscaled frames, {@link
     * Upsampling#rejects} of it the rejected ones.
     *
     * @throws IllegalArgumentException for an unknown kernel, a bad model file, a setting out
     *     of range (before the job runs)
     */
    public SingleOutputStreamOperator<FrameRecord> upscale(DataStream<FrameRecord> frames) {
      JobDefinition def;
      try {
        def = JobDefinition.forOperator(settings);
      } catch (IOException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
      SingleOutputStreamOperator<FrameRecord> up = frames
          .process(new UpscaleFunction(def, false))
          .name("upscale " + def.kernel() + " x" + def.scaleYx().w()
              + (def.scaleYx().h() == def.scaleYx().w() ? "" : "," + def.scaleYx().h()));
      if (parallelism > 0) {
        up.setParallelism(parallelism);
      }
      return up;
    }
  }
}
