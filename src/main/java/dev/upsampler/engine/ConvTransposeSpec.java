package dev.upsampler.engine;

import java.util.Objects;

/**
 * The hyperparameters of a 2-D transposed convolution, validated on construction.
 *
 * <p>Every framework computes the same scatter followed by a crop:
 *
 * <pre>
 *   y[b, g*Mg + m, o] += x[b, g*Cg + c, i] * W[g*Cg + c, m, kk]    with o = i*s + kk*d - crop_begin
 * </pre>
 *
 * per spatial axis, with {@code Cg = C_in / groups}, {@code Mg = C_out / groups}, weights laid out
 * {@code [C_in, C_out/groups, kH, kW]} (PyTorch and ONNX), no kernel flip, then the bias added to
 * every output element. The {@link Padding} front end decides the crop; {@link #plan(int, int)}
 * resolves it for an input size.
 *
 * @param inChannels {@code C_in}
 * @param outChannels {@code C_out} (the weights hold {@code C_out / groups} per group)
 * @param kernel kernel height and width
 * @param stride stride per axis
 * @param dilation dilation per axis
 * @param groups channel groups; must divide both channel counts
 * @param padding the padding front end (PyTorch, ONNX or TensorFlow)
 * @param hasBias whether a bias of length {@code C_out} is added
 */
public record ConvTransposeSpec(
    int inChannels,
    int outChannels,
    Size2 kernel,
    Size2 stride,
    Size2 dilation,
    int groups,
    Padding padding,
    boolean hasBias) {

  public ConvTransposeSpec {
    Objects.requireNonNull(kernel, "kernel");
    Objects.requireNonNull(stride, "stride");
    Objects.requireNonNull(dilation, "dilation");
    Objects.requireNonNull(padding, "padding");
    positive("stride", stride);
    positive("dilation", dilation);
    positive("kernel size", kernel);
    if (inChannels < 1 || outChannels < 1) {
      throw new SpecException(
          "channel counts must be >= 1, got C_in = " + inChannels + ", C_out = " + outChannels);
    }
    if (groups < 1) {
      throw new SpecException("groups must be >= 1, got " + groups);
    }
    if (inChannels % groups != 0 || outChannels % groups != 0) {
      throw new SpecException(
          "groups = " + groups + " must divide both C_in = " + inChannels + " and C_out = "
              + outChannels);
    }
    for (int axis = 0; axis < 2; axis++) {
      int op = padding.outputPadding(axis);
      int limit = Math.max(stride.get(axis), dilation.get(axis));
      if (op >= limit) {
        throw new SpecException(
            "output padding " + op + " on the " + axisName(axis)
                + " must be smaller than max(stride, dilation) = " + limit + " (stride "
                + stride.get(axis) + ", dilation " + dilation.get(axis) + ")");
      }
    }
  }

  private static void positive(String what, Size2 v) {
    if (v.h() < 1 || v.w() < 1) {
      throw new SpecException(what + " must be >= 1 on both axes, got " + v);
    }
  }

  static String axisName(int axis) {
    return axis == 0 ? "height" : "width";
  }

  /** Channels per group on the input side, {@code C_in / groups}. */
  public int inPerGroup() {
    return inChannels / groups;
  }

  /** Channels per group on the output side, {@code C_out / groups}. */
  public int outPerGroup() {
    return outChannels / groups;
  }

  /** The weight shape this spec expects: {@code [C_in, C_out/groups, kH, kW]}. */
  public int[] weightShape() {
    return new int[] {inChannels, outPerGroup(), kernel.h(), kernel.w()};
  }

  /** The same spec with another padding front end. */
  public ConvTransposeSpec withPadding(Padding newPadding) {
    return new ConvTransposeSpec(
        inChannels, outChannels, kernel, stride, dilation, groups, newPadding, hasBias);
  }

  /**
   * Resolves the crop and output size for an input of {@code inH x inW} pixels.
   *
   * @throws SpecException if the front end cannot produce a legal, non-empty output for it
   */
  public ConvTransposePlan plan(int inH, int inW) {
    if (inH < 1 || inW < 1) {
      throw new ShapeException("input height and width must be >= 1, got " + inH + " x " + inW);
    }
    AxisCrop h = padding.resolve(geometry(0, inH), 0);
    AxisCrop w = padding.resolve(geometry(1, inW), 1);
    return new ConvTransposePlan(
        this, inH, inW, h.out(), w.out(), new Crop(h.begin(), w.begin(), h.end(), w.end()));
  }

  private AxisGeometry geometry(int axis, int in) {
    return new AxisGeometry(
        axisName(axis), in, stride.get(axis), kernel.get(axis), dilation.get(axis));
  }

  /** A builder with PyTorch's defaults: stride 1, dilation 1, groups 1, no padding, no bias. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ConvTransposeSpec}; {@link #build()} validates everything at once. */
  public static final class Builder {
    private int inChannels = 1;
    private int outChannels = 1;
    private Size2 kernel;
    private Size2 stride = Size2.square(1);
    private Size2 dilation = Size2.square(1);
    private int groups = 1;
    private Padding padding = Padding.torch(Size2.square(0), Size2.square(0));
    private boolean hasBias;

    private Builder() {}

    public Builder channels(int in, int out) {
      this.inChannels = in;
      this.outChannels = out;
      return this;
    }

    public Builder kernel(int kh, int kw) {
      this.kernel = new Size2(kh, kw);
      return this;
    }

    public Builder kernel(Size2 k) {
      this.kernel = k;
      return this;
    }

    public Builder stride(Size2 s) {
      this.stride = s;
      return this;
    }

    public Builder stride(int s) {
      return stride(Size2.square(s));
    }

    public Builder dilation(Size2 d) {
      this.dilation = d;
      return this;
    }

    public Builder groups(int g) {
      this.groups = g;
      return this;
    }

    public Builder padding(Padding p) {
      this.padding = p;
      return this;
    }

    public Builder bias(boolean b) {
      this.hasBias = b;
      return this;
    }

    public ConvTransposeSpec build() {
      if (kernel == null) {
        throw new SpecException("kernel size is required");
      }
      return new ConvTransposeSpec(
          inChannels, outChannels, kernel, stride, dilation, groups, padding, hasBias);
    }
  }
}
