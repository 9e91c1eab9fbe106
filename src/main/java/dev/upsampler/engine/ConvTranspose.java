package dev.upsampler.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * The engine's entry point for one transposed-convolution layer: a validated spec with its
 * weights and bias, applied to NCHW float32 tensors. This facade checks every argument and then
 * dispatches to an implementation that assumes valid input.
 *
 * <pre>{@code
 * ConvTransposeSpec spec = ConvTransposeSpec.builder()
 *     .channels(1, 1).kernel(4, 4).stride(2)
 *     .padding(Padding.torch(Size2.square(1), Size2.square(0))).build();
 * Tensor y = ConvTranspose.of(spec, weights, null).apply(x);
 * }</pre>
 *
 * Instances are immutable and thread-safe; the weights array must not change while in use.
 */
public final class ConvTranspose {

  /** Which implementation computes the result. */
  public enum Algorithm {
    /**
     * The tiled polyphase engine ({@link DenseConvTranspose}), SIMD where available; falls back
     * to the reference for strides and dilations both above 1 along a row.
     */
    FAST,
    /** The scatter form, {@link ConvTransposeReference}: the oracle. */
    REFERENCE,
    /** The write-up's zero-insertion form, {@link ZeroInsertionReference}. */
    ZERO_INSERTION;

    public static Algorithm parse(String text) {
      String key = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      try {
        return valueOf(key);
      } catch (IllegalArgumentException e) {
        throw new SpecException(
            "unknown algorithm '" + text + "'; expected one of "
                + Arrays.toString(values()).toLowerCase(Locale.ROOT).replace('_', '-'));
      }
    }
  }

  private final ConvTransposeSpec spec;
  private final Tensor weights;
  private final float[] bias;
  private final Algorithm algorithm;
  private final BorderMode border;
  private final RowKernel kernel;
  /** The fast path prepared for the last plan seen: reused while input sizes repeat. */
  private volatile Prepared prepared;

  /** The fast path prepared for one plan (and frame layout): exactly one of the three is set. */
  private record Prepared(ConvTransposePlan plan, boolean interleaved, DenseConvTranspose dense,
      GemmConvTranspose gemm, SeparableConvTranspose separable) {}

  /** Rank-1 factors of a depthwise kernel, computed once; NOT_SEPARABLE when there are none. */
  private volatile float[][][] factors;
  private static final float[][][] NOT_SEPARABLE = new float[0][][];

  private ConvTranspose(ConvTransposeSpec spec, Tensor weights, float[] bias, Algorithm alg,
      BorderMode border, RowKernel kernel) {
    this.spec = spec;
    this.weights = weights;
    this.bias = bias;
    this.algorithm = alg;
    this.border = border;
    this.kernel = kernel;
  }

  /**
   * A layer over validated weights {@code [C_in, C_out/groups, kH, kW]} and an optional bias of
   * length {@code C_out}.
   *
   * @throws ShapeException if the weights or bias do not fit the spec
   */
  public static ConvTranspose of(ConvTransposeSpec spec, Tensor weights, float[] bias) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(weights, "weights");
    int[] expected = spec.weightShape();
    if (!Arrays.equals(weights.shape(), expected)) {
      throw new ShapeException(
          "weights " + weights.shapeString() + " do not fit the spec: expected "
              + Arrays.toString(expected) + " [C_in, C_out/groups, kH, kW] for C_in = "
              + spec.inChannels() + ", C_out = " + spec.outChannels() + ", groups = "
              + spec.groups());
    }
    if (spec.hasBias() != (bias != null)) {
      throw new ShapeException(
          spec.hasBias() ? "the spec asks for a bias but none was given"
              : "a bias was given but the spec has none");
    }
    if (bias != null && bias.length != spec.outChannels()) {
      throw new ShapeException(
          "bias has " + bias.length + " values, expected C_out = " + spec.outChannels());
    }
    return new ConvTranspose(
        spec, weights, bias, Algorithm.FAST, BorderMode.ZERO, VectorSupport.kernel());
  }

  /** The same layer computed by another implementation. */
  public ConvTranspose using(Algorithm alg) {
    return new ConvTranspose(
        spec, weights, bias, Objects.requireNonNull(alg, "algorithm"), border, kernel);
  }

  /** The same layer with another border (zeros, or the input's edges replicated). */
  public ConvTranspose with(BorderMode mode) {
    return new ConvTranspose(
        spec, weights, bias, algorithm, Objects.requireNonNull(mode, "border"), kernel);
  }

  /** The same layer forced onto the scalar kernel (for tests and comparisons). */
  ConvTranspose scalar() {
    return new ConvTranspose(spec, weights, bias, algorithm, border, VectorSupport.scalar());
  }

  /** Which path {@link Algorithm#FAST} takes for this layer, for logs and --verbose. */
  public String pathDescription() {
    if (algorithm != Algorithm.FAST) {
      return algorithm.name().toLowerCase(Locale.ROOT).replace('_', '-') + " (oracle)";
    }
    if (separableFactors() != null) {
      return "separable (two 1-D polyphase passes), " + kernel.description();
    }
    if (GemmConvTranspose.suits(spec, border)) {
      return "GEMM + phase-wise col2im, " + kernel.description();
    }
    if (!DenseConvTranspose.supports(spec)) {
      return "reference (stride and dilation both > 1 along the row)";
    }
    return "polyphase, " + kernel.description();
  }

  /** Refuses NaN or infinite weights and bias, naming the first bad index. */
  public ConvTranspose requireFinite() {
    float[] w = weights.toArray();
    for (int i = 0; i < w.length; i++) {
      if (!Float.isFinite(w[i])) {
        throw new SpecException(
            "weights " + weights.shapeString() + " hold " + w[i] + " at flat index " + i);
      }
    }
    if (bias != null) {
      for (int i = 0; i < bias.length; i++) {
        if (!Float.isFinite(bias[i])) {
          throw new SpecException("bias holds " + bias[i] + " at index " + i);
        }
      }
    }
    return this;
  }

  public ConvTransposeSpec spec() {
    return spec;
  }

  /** The weights {@code [C_in, C_out/groups, kH, kW]}; callers must not modify them. */
  public Tensor weights() {
    return weights;
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /**
   * The plan (output size and crop) for this input.
   *
   * @throws ShapeException if the input's channels do not match C_in
   * @throws SpecException if the padding front end cannot produce a legal output for its size
   */
  public ConvTransposePlan plan(Tensor x) {
    Objects.requireNonNull(x, "input");
    if (x.c() != spec.inChannels()) {
      throw new ShapeException(
          "input " + x.shapeString() + " has " + x.c() + " channels but the weights "
              + weights.shapeString() + " expect C_in = " + spec.inChannels()
              + (x.w() == spec.inChannels() ? " (got [N, H, W, C]? expected [N, C, H, W])" : ""));
    }
    return spec.plan(x.h(), x.w());
  }

  public BorderMode border() {
    return border;
  }

  /** Computes {@code convT(x)} into a new dense tensor on the calling thread. */
  public Tensor apply(Tensor x) {
    return apply(x, Parallelism.inline());
  }

  /** Computes {@code convT(x)} into a new dense tensor. */
  public Tensor apply(Tensor x, Parallelism par) {
    ConvTransposePlan plan = plan(x);
    Tensor out = Tensor.zeros(x.n(), spec.outChannels(), plan.outH(), plan.outW());
    compute(plan, new FrameRows(x, null, out, null), par);
    return out;
  }

  /**
   * Computes {@code convT(x)} into {@code out}, a caller-owned tensor or view of the output shape;
   * elements outside the view are not touched.
   *
   * @throws ShapeException if {@code out} has the wrong shape or shares its array with {@code x}
   */
  public void apply(Tensor x, Tensor out) {
    apply(x, out, Parallelism.inline());
  }

  /** {@link #apply(Tensor, Tensor)} over {@code par}'s threads. */
  public void apply(Tensor x, Tensor out, Parallelism par) {
    Objects.requireNonNull(out, "output");
    ConvTransposePlan plan = plan(x);
    int[] expected = {x.n(), spec.outChannels(), plan.outH(), plan.outW()};
    if (!Arrays.equals(out.shape(), expected)) {
      throw new ShapeException(
          "output " + out.shapeString() + " does not match input " + x.shapeString()
              + ": expected " + Arrays.toString(expected));
    }
    if (out.data() == x.data() || out.data() == weights.data()) {
      throw new ShapeException(
          "output " + out.shapeString() + " shares its array with the "
              + (out.data() == x.data() ? "input " + x.shapeString() : "weights")
              + "; transposed convolution cannot run in place");
    }
    compute(plan, new FrameRows(x, null, out, null), par);
  }

  /**
   * Computes {@code convT(x)} on an 8-bit image into an 8-bit image, converting inside the tiles:
   * clamp to [0, 255] and round half up ({@code floor(v + 0.5)}), NaN to 0. Equal at every pixel
   * to the float path followed by that rounding.
   *
   * @throws ShapeException if the channels or the output size do not fit, or the two share an
   *     array
   */
  public void apply(U8Image x, U8Image out, Parallelism par) {
    Objects.requireNonNull(x, "input");
    Objects.requireNonNull(out, "output");
    if (x.channels() != spec.inChannels()) {
      throw new ShapeException("input " + x.shapeString() + " has " + x.channels()
          + " channels but the weights " + weights.shapeString() + " expect C_in = "
          + spec.inChannels());
    }
    ConvTransposePlan plan = spec.plan(x.height(), x.width());
    if (out.channels() != spec.outChannels() || out.height() != plan.outH()
        || out.width() != plan.outW()) {
      throw new ShapeException("output " + out.shapeString() + " does not match input "
          + x.shapeString() + ": expected [" + spec.outChannels() + ", " + plan.outH() + ", "
          + plan.outW() + "]");
    }
    if (out.data() == x.data()) {
      throw new ShapeException("output " + out.shapeString() + " shares its array with the input "
          + x.shapeString() + "; transposed convolution cannot run in place");
    }
    compute(plan, new FrameRows(null, x, null, out), par);
  }

  /**
   * Computes only output rows {@code [firstRow, firstRow + strip.height())} of {@code convT(x)}
   * into {@code strip}, equal bit for bit to those rows of the whole output: frames whose output
   * does not fit in memory are produced strip by strip (the fast paths need scratch for their
   * tiles only).
   */
  public void applyRows(U8Image x, U8Image strip, int firstRow, Parallelism par) {
    Objects.requireNonNull(x, "input");
    Objects.requireNonNull(strip, "strip");
    ConvTransposePlan plan = spec.plan(x.height(), x.width());
    if (x.channels() != spec.inChannels() || strip.channels() != spec.outChannels()
        || strip.width() != plan.outW() || firstRow < 0
        || firstRow + strip.height() > plan.outH()) {
      throw new ShapeException("strip " + strip.shapeString() + " at row " + firstRow
          + " does not fit the output [" + spec.outChannels() + ", " + plan.outH() + ", "
          + plan.outW() + "] of input " + x.shapeString());
    }
    if (algorithm == Algorithm.FAST && (separableFactors() != null
        || GemmConvTranspose.suits(spec, border) || DenseConvTranspose.supports(spec))) {
      compute(plan, new FrameRows(null, x, null, strip, firstRow, firstRow + strip.height()),
          par);
      return;
    }
    U8Image whole = new U8Image(new byte[spec.outChannels() * plan.outH() * plan.outW()], 0,
        spec.outChannels(), plan.outH(), plan.outW(), plan.outH() * plan.outW(), plan.outW(), 1);
    compute(plan, new FrameRows(null, x, null, whole), par);
    for (int c = 0; c < strip.channels(); c++) {
      for (int y = 0; y < strip.height(); y++) {
        for (int xx = 0; xx < strip.width(); xx++) {
          strip.data()[strip.offset() + c * strip.channelStride() + y * strip.rowStride()
              + xx * strip.pixelStride()] = (byte) whole.get(c, firstRow + y, xx);
        }
      }
    }
  }

  private void compute(ConvTransposePlan plan, FrameRows io, Parallelism par) {
    if (algorithm == Algorithm.FAST && (separableFactors() != null
        || GemmConvTranspose.suits(spec, border) || DenseConvTranspose.supports(spec))) {
      boolean interleaved = spec.inChannels() > 1 && io.u8In != null && io.u8In.isInterleaved()
          && io.u8Out.isInterleaved() && io.u8In.channels() == io.u8Out.channels();
      Prepared p = prepare(plan, interleaved);
      if (p.separable() != null) {
        p.separable().run(io, par);
      } else if (p.gemm() != null) {
        p.gemm().run(io, par);
      } else {
        p.dense().run(io, par);
      }
      return;
    }
    Tensor x = io.floatIn != null ? io.floatIn : io.u8In.toTensor();
    Tensor out = io.floatOut != null ? io.floatOut
        : Tensor.zeros(1, spec.outChannels(), plan.outH(), plan.outW());
    if (algorithm == Algorithm.ZERO_INSERTION) {
      if (border != BorderMode.ZERO) {
        throw new SpecException("the zero-insertion form supports only zero borders");
      }
      ZeroInsertionReference.compute(plan, x, weights, bias, out);
    } else {
      ConvTransposeReference.compute(plan, x, weights, bias, out, border);
    }
    if (io.u8Out != null) {
      for (int c = 0; c < out.c(); c++) {
        for (int y = 0; y < out.h(); y++) {
          io.storeU8(VectorSupport.scalar(), out.data(), out.index(0, c, y, 0), c, y, 0, out.w());
        }
      }
    }
  }

  private Prepared prepare(ConvTransposePlan plan, boolean interleaved) {
    Prepared p = prepared;
    if (p == null || !p.plan().equals(plan) || p.interleaved() != interleaved) {
      float[][][] f = separableFactors();
      if (f != null) {
        p = new Prepared(plan, interleaved, null, null,
            new SeparableConvTranspose(plan, f[0], f[1], bias, border, kernel, interleaved));
      } else if (GemmConvTranspose.suits(spec, border)) {
        p = new Prepared(plan, interleaved, null,
            new GemmConvTranspose(plan, weights, bias, kernel), null);
      } else {
        p = new Prepared(plan, interleaved,
            new DenseConvTranspose(plan, weights, bias, border, kernel), null, null);
      }
      prepared = p;
    }
    return p;
  }

  /** The depthwise rank-1 factors {u, v}, or null when the separable path does not apply. */
  private float[][][] separableFactors() {
    float[][][] f = factors;
    if (f == null) {
      f = SeparableConvTranspose.applies(spec) ? SeparableConvTranspose.factor(weights) : null;
      f = f == null ? NOT_SEPARABLE : f;
      factors = f;
    }
    return f == NOT_SEPARABLE ? null : f;
  }
}
