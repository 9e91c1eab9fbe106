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

  private ConvTranspose(ConvTransposeSpec spec, Tensor weights, float[] bias, Algorithm alg) {
    this.spec = spec;
    this.weights = weights;
    this.bias = bias;
    this.algorithm = alg;
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
    return new ConvTranspose(spec, weights, bias, Algorithm.REFERENCE);
  }

  /** The same layer computed by another implementation. */
  public ConvTranspose using(Algorithm alg) {
    return new ConvTranspose(spec, weights, bias, Objects.requireNonNull(alg, "algorithm"));
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

  /** Computes {@code convT(x)} into a new dense tensor. */
  public Tensor apply(Tensor x) {
    ConvTransposePlan plan = plan(x);
    Tensor out = Tensor.zeros(x.n(), spec.outChannels(), plan.outH(), plan.outW());
    compute(plan, x, out);
    return out;
  }

  /**
   * Computes {@code convT(x)} into {@code out}, a caller-owned tensor or view of the output shape;
   * elements outside the view are not touched.
   *
   * @throws ShapeException if {@code out} has the wrong shape or shares its array with {@code x}
   */
  public void apply(Tensor x, Tensor out) {
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
    compute(plan, x, out);
  }

  private void compute(ConvTransposePlan plan, Tensor x, Tensor out) {
    switch (algorithm) {
      case REFERENCE -> ConvTransposeReference.compute(plan, x, weights, bias, out);
      case ZERO_INSERTION -> ZeroInsertionReference.compute(plan, x, weights, bias, out);
      default -> throw new IllegalStateException(algorithm.name());
    }
  }
}
