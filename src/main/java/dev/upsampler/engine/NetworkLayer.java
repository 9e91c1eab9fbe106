package dev.upsampler.engine;

import java.util.Objects;

/**
 * One layer of a {@link SequentialNetwork}: a same-padded convolution, an activation (PReLU,
 * ReLU, LeakyReLU, a clamp such as ReLU6), or an upscaling layer that ends the network (a
 * transposed convolution or a depth-to-space rearrangement). Parameters are one flat array per
 * layer (weights, then bias), the layout PyTorch uses; the arrays are shared, not copied, so a
 * network being trained runs with its current weights. {@code forward} works on one image stored
 * channel after channel.
 */
public sealed interface NetworkLayer permits NetworkLayer.Conv2d, NetworkLayer.PRelu,
    NetworkLayer.FixedActivation, NetworkLayer.ConvTranspose2d, NetworkLayer.DepthToSpace {

  int inChannels();

  int outChannels();

  /** The layer's parameters, flat: weights then bias (PReLU: its slopes). Live, not a copy. */
  float[] params();

  /** Output {height, width} for an input of {@code h x w} (the same size unless it upscales). */
  default int[] outputSize(int h, int w) {
    return new int[] {h, w};
  }

  /** {@code y = layer(x)} for one {@code inChannels x h x w} image; may use {@code ws}. */
  void forward(float[] x, int h, int w, float[] y, Workspace ws);

  /** Floats of scratch that {@code forward} needs for an {@code h x w} input (none by default). */
  default long scratch(int h, int w) {
    return 0;
  }

  /**
   * A stride-1 {@code k x k} convolution with zero "same" padding ({@code k} odd; PyTorch's
   * {@code Conv2d(in, out, k, padding=k//2)}): {@code params} holds weights {@code [out][in][k][k]}
   * then a bias per output channel.
   */
  record Conv2d(int in, int out, int k, float[] params) implements NetworkLayer {
    public Conv2d {
      Objects.requireNonNull(params, "params");
      if (in < 1 || out < 1 || k < 1 || k % 2 == 0) {
        throw new SpecException("a convolution needs channels >= 1 and an odd kernel size, got"
            + " in " + in + ", out " + out + ", kernel " + k);
      }
      if (params.length != weightCount(in, out, k) + out) {
        throw new SpecException("a " + in + " -> " + out + " " + k + "x" + k + " convolution has "
            + (weightCount(in, out, k) + out) + " parameters, got " + params.length);
      }
    }

    public static int weightCount(int in, int out, int k) {
      return out * in * k * k;
    }

    @Override
    public int inChannels() {
      return in;
    }

    @Override
    public int outChannels() {
      return out;
    }

    @Override
    public long scratch(int h, int w) {
      return k == 1 ? 0 : (long) in * k * k * h * w;
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      int n = h * w;
      int depth = in * k * k;
      float[] cols = x;
      if (k > 1) {
        cols = ws.cols(depth * n);
        Im2col.expand(x, 0, in, h, w, k, cols);
      }
      float[] wT = ws.weights(depth * out);
      Gemm.transpose(params, 0, out, depth, wT);
      Gemm.multiply(wT, 0, out, cols, 0, n, depth, y, 0, n, n);
      addBias(y, n, params, weightCount(in, out, k), out);
    }
  }

  /** PReLU with one slope per channel: {@code y = x > 0 ? x : a[c] * x}; in place allowed. */
  record PRelu(float[] slopes) implements NetworkLayer {
    public PRelu {
      Objects.requireNonNull(slopes, "slopes");
      if (slopes.length < 1) {
        throw new SpecException("a PReLU needs at least one slope");
      }
    }

    @Override
    public float[] params() {
      return slopes;
    }

    @Override
    public int inChannels() {
      return slopes.length;
    }

    @Override
    public int outChannels() {
      return slopes.length;
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      int n = h * w;
      for (int c = 0; c < slopes.length; c++) {
        float a = slopes[c];
        for (int i = c * n, end = i + n; i < end; i++) {
          float v = x[i];
          y[i] = v > 0 ? v : a * v;
        }
      }
    }
  }

  /** An activation without parameters: as many channels out as in, value by value. */
  sealed interface FixedActivation extends NetworkLayer permits LeakyRelu, Clamp {
    int channels();

    @Override
    default float[] params() {
      return new float[0];
    }

    @Override
    default int inChannels() {
      return channels();
    }

    @Override
    default int outChannels() {
      return channels();
    }
  }

  /**
   * ReLU ({@code alpha} 0) or LeakyReLU: {@code y = x > 0 ? x : alpha * x} on {@code channels}
   * channels; in place allowed. A PReLU whose slopes are fixed, which is how the direct form
   * folds it into the convolution before it.
   */
  record LeakyRelu(int channels, float alpha) implements FixedActivation {
    public LeakyRelu {
      if (channels < 1 || !Float.isFinite(alpha)) {
        throw new SpecException("a ReLU needs channels >= 1 and a finite slope, got " + channels
            + " channels, slope " + alpha);
      }
    }

    /** The slope as one value per channel (the form the direct convolution's store takes). */
    public float[] slopes() {
      float[] a = new float[channels];
      java.util.Arrays.fill(a, alpha);
      return a;
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      for (int i = 0, end = channels * h * w; i < end; i++) {
        float v = x[i];
        y[i] = v > 0 ? v : alpha * v;
      }
    }
  }

  /**
   * A clamp inside the network, {@code y = min(max(x, min), max)} on {@code channels} channels
   * (ONNX Clip between layers: PyTorch's ReLU6 is {@code [0, 6]}, Hardtanh {@code [-1, 1]}); a
   * bound may be infinite (no bound on that side). In place allowed.
   */
  record Clamp(int channels, float min, float max) implements FixedActivation {
    public Clamp {
      if (channels < 1 || Float.isNaN(min) || Float.isNaN(max) || min > max) {
        throw new SpecException("a clamp needs channels >= 1 and bounds min <= max, got "
            + channels + " channels, [" + min + ", " + max + "]");
      }
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      apply(x, 0, channels * h * w, y);
    }

    /** Clamps {@code x[from, to)} into the same places of {@code y}. */
    void apply(float[] x, int from, int to, float[] y) {
      for (int i = from; i < to; i++) {
        y[i] = Math.min(Math.max(x[i], min), max);
      }
    }
  }

  /**
   * Depth to space (pixel shuffle) by {@code block}: {@code out * block^2} channels of {@code h x
   * w} become {@code out} channels of {@code block*h x block*w}. Output pixel {@code (c, block*y
   * + i, block*x + j)} is input channel {@link #source}: {@code (c * block + i) * block + j} in
   * CRD order (PyTorch's PixelShuffle, ONNX DepthToSpace mode CRD), {@code (i * block + j) * out
   * + c} in DCR order (ONNX's default, TensorFlow's depth_to_space). With one output channel the
   * two orders are the same.
   */
  record DepthToSpace(int out, int block, boolean dcr) implements NetworkLayer {
    public DepthToSpace {
      if (out < 1 || block < 1) {
        throw new SpecException("depth to space needs channels >= 1 and a block >= 1, got "
            + out + " channels, block " + block);
      }
    }

    /** The input channel that output channel {@code c} takes at phase ({@code i}, {@code j}). */
    public int source(int c, int i, int j) {
      return dcr ? (i * block + j) * out + c : (c * block + i) * block + j;
    }

    @Override
    public float[] params() {
      return new float[0];
    }

    @Override
    public int inChannels() {
      return out * block * block;
    }

    @Override
    public int outChannels() {
      return out;
    }

    @Override
    public int[] outputSize(int h, int w) {
      return new int[] {h * block, w * block};
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      int plane = h * w;
      int ow = w * block;
      for (int c = 0; c < out; c++) {
        for (int i = 0; i < block; i++) {
          for (int j = 0; j < block; j++) {
            int src = source(c, i, j) * plane;
            for (int yy = 0; yy < h; yy++) {
              int dst = (c * h * block + yy * block + i) * ow + j;
              for (int xx = 0; xx < w; xx++) {
                y[dst + xx * block] = x[src + yy * w + xx];
              }
            }
          }
        }
      }
    }
  }

  /**
   * A transposed convolution (the upscaling layer), groups 1, zero border: {@code params} holds
   * weights {@code [in][out][kH][kW]} then, if the spec has one, a bias per output channel.
   */
  record ConvTranspose2d(ConvTransposeSpec spec, float[] params) implements NetworkLayer {
    public ConvTranspose2d {
      Objects.requireNonNull(spec, "spec");
      Objects.requireNonNull(params, "params");
      if (spec.groups() != 1) {
        throw new SpecException("a network's transposed convolution must have groups = 1, got "
            + spec.groups());
      }
      int expect = weightCount(spec) + (spec.hasBias() ? spec.outChannels() : 0);
      if (params.length != expect) {
        throw new SpecException("transposed convolution " + spec.inChannels() + " -> "
            + spec.outChannels() + " " + spec.kernel() + " has " + expect + " parameters, got "
            + params.length);
      }
    }

    public static int weightCount(ConvTransposeSpec spec) {
      return spec.inChannels() * spec.outChannels() * spec.kernel().h() * spec.kernel().w();
    }

    /** Rows of the GEMM's result: one per (output channel, ky, kx). */
    public int rows() {
      return spec.outChannels() * spec.kernel().h() * spec.kernel().w();
    }

    @Override
    public int inChannels() {
      return spec.inChannels();
    }

    @Override
    public int outChannels() {
      return spec.outChannels();
    }

    @Override
    public int[] outputSize(int h, int w) {
      ConvTransposePlan p = spec.plan(h, w);
      return new int[] {p.outH(), p.outW()};
    }

    @Override
    public long scratch(int h, int w) {
      return (long) rows() * h * w;
    }

    @Override
    public void forward(float[] x, int h, int w, float[] y, Workspace ws) {
      ConvTransposePlan plan = ws.plan(spec, h, w);
      int n = h * w;
      float[] z = ws.cols(rows() * n);
      Gemm.multiply(params, 0, rows(), x, 0, n, spec.inChannels(), z, 0, n, n);
      int outPlane = plan.outH() * plan.outW();
      java.util.Arrays.fill(y, 0, outPlane * spec.outChannels(), 0f);
      if (spec.hasBias()) {
        addBias(y, outPlane, params, weightCount(spec), spec.outChannels());
      }
      Im2col.scatter(plan, z, y, 0);
    }
  }

  private static void addBias(float[] y, int plane, float[] params, int offset, int channels) {
    for (int c = 0; c < channels; c++) {
      float b = params[offset + c];
      for (int i = c * plane, end = i + plane; i < end; i++) {
        y[i] += b;
      }
    }
  }

  /** Per-thread scratch, grown on demand and reused. */
  final class Workspace {
    private float[] cols = new float[0];
    private float[] weights = new float[0];
    private final float[][] activations = {new float[0], new float[0], new float[0]};
    private final PlanCache plans = new PlanCache();

    public Workspace() {}

    /** The plans this thread remembers, shared with the direct form's workspace. */
    PlanCache plans() {
      return plans;
    }

    /** {@code spec.plan(h, w)}, remembered: tiles of a frame repeat a few sizes. */
    ConvTransposePlan plan(ConvTransposeSpec spec, int h, int w) {
      return plans.plan(spec, h, w);
    }

    /**
     * The im2col buffer, at least {@code size} long: after a same-padded convolution's forward
     * it holds that input's columns (what the trainer's weight gradient reads again).
     */
    public float[] cols(int size) {
      if (cols.length < size) {
        cols = new float[size];
      }
      return cols;
    }

    float[] weights(int size) {
      if (weights.length < size) {
        weights = new float[size];
      }
      return weights;
    }

    /** Activation buffers: 0 and 1 alternate between layers, 2 holds a tile's input. */
    float[] activation(int which, int size) {
      if (activations[which].length < size) {
        activations[which] = new float[size];
      }
      return activations[which];
    }
  }
}
