package dev.upsampler.image;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SelfEnsemble;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import java.util.Objects;

/**
 * A kernel that upsamples frames: a transposed convolution plus how it meets a frame's channels.
 * Built-in kernels are 1-channel depthwise kernels applied to every channel; a user kernel either
 * is such a kernel ({@code [1, 1, kH, kW]}) or has exactly the frame's colour channels.
 *
 * <ul>
 *   <li>{@code nearest}, {@code bilinear}, {@code bicubic}, {@code lanczos3}: {@link
 *       Interpolation}, input edges replicated, equal to PyTorch's {@code interpolate};
 *   <li>{@code fcn}: the bilinear-initialised kernel of FCN (same weights, zero padding, so
 *       edges darken: the learnable starting point, not a finished upscaler);
 *   <li>{@code identity}: the original write-up's kernel, the 3x3 identity matrix with
 *       TensorFlow SAME padding (a demonstration of the semantics, not an upscaler);
 *   <li>a user's kernel from a {@code .npy} file: loaded by {@code io.KernelFiles} and made with
 *       {@link #of}.
 * </ul>
 */
public final class UpscaleKernel {
  private final String name;
  private final Size2 scale;
  private final Tensor weights;
  private final float[] bias;
  private final ConvTransposeSpec perChannelSpec;
  private final BorderMode border;
  /** True: a 1-channel kernel applied to every channel; false: a joint C-channel kernel. */
  private final boolean perChannel;
  private final String warning;
  /** A learned network (FSRCNN) instead of one layer, or null. */
  private final SequentialNetwork network;
  /** The network runs as a geometric self-ensemble ({@link SelfEnsemble}): 8 passes. */
  private final boolean selfEnsemble;

  UpscaleKernel(String name, Size2 scale, ConvTransposeSpec spec, Tensor weights, float[] bias,
      BorderMode border, String warning) {
    this.name = name;
    this.scale = scale;
    this.perChannelSpec = spec;
    this.weights = weights;
    this.bias = bias;
    this.border = border;
    this.perChannel = spec.inChannels() == 1 && spec.outChannels() == 1;
    this.warning = warning;
    this.network = null;
    this.selfEnsemble = false;
  }

  private UpscaleKernel(String name, SequentialNetwork network, Size2 scale,
      boolean selfEnsemble) {
    this.name = name;
    this.scale = scale;
    this.network = network;
    this.selfEnsemble = selfEnsemble;
    NetworkLayer lastLayer = network.layers().get(network.layers().size() - 1);
    this.perChannelSpec = lastLayer instanceof NetworkLayer.ConvTranspose2d t ? t.spec() : null;
    this.weights = null;
    this.bias = null;
    this.border = BorderMode.ZERO;
    this.perChannel = true;
    this.warning = null;
  }

  /**
   * A learned network on one channel (trained on samples in [0, 1]): applied to luma in {@code
   * y} mode, to each channel otherwise. Its output must be {@code scale} times its input.
   */
  public static UpscaleKernel network(String name, SequentialNetwork network) {
    if (network.inChannels() != 1 || network.outChannels() != 1) {
      throw new IllegalArgumentException(name + ": a network kernel must map 1 channel to 1, got "
          + network.inChannels() + " -> " + network.outChannels());
    }
    int[] probe = network.outputSize(30, 30);
    if (probe[0] % 30 != 0 || probe[1] % 30 != 0) {
      throw new IllegalArgumentException(name + ": the network's output (" + probe[1] + "x"
          + probe[0] + " for 30x30) is not a whole multiple of its input");
    }
    return new UpscaleKernel(name, network, new Size2(probe[0] / 30, probe[1] / 30), false);
  }

  /**
   * The same learned model run as a geometric self-ensemble: the mean over the eight flips and
   * transposes of the input (EDSR's "+", waifu2x's TTA), for the best quality at eight times
   * the cost. Single-layer kernels are refused: the built-in ones are symmetric already, and a
   * single transposed convolution averaged over flips is just another (symmetrised) kernel.
   */
  public UpscaleKernel withSelfEnsemble() {
    if (network == null) {
      throw new IllegalArgumentException(name + ": self-ensemble is for learned networks (a"
          + " shipped model or model:OUT.json), not single-layer kernels");
    }
    return new UpscaleKernel(name, network, scale, true);
  }

  public boolean selfEnsemble() {
    return selfEnsemble;
  }

  /** {@code out = range * network(in / range)} on one plane, as a self-ensemble if asked for. */
  public void applyNetwork(Tensor in, Tensor out, Parallelism par, float range) {
    if (selfEnsemble) {
      SelfEnsemble.apply(network, in, out, par, range);
    } else {
      network.apply(in, out, par, range);
    }
  }

  /** The learned network, or null for a single-layer kernel. */
  public SequentialNetwork network() {
    return network;
  }

  /** Which engine path runs this kernel, for logs. */
  public String pathDescription() {
    if (network != null) {
      return (selfEnsemble ? "self-ensemble of 8 views of a " : "") + "network of "
          + network.layers().size() + " layers (" + network.macsPerPixel()
          + " multiply-adds per input pixel), " + network.pathDescription();
    }
    return layer(1).pathDescription();
  }

  /**
   * A user's kernel: a 1-channel kernel (applied to every channel) or one over all colour
   * channels, with its own spec, weights {@code [C_in, C_out/groups, kH, kW]} and bias.
   */
  public static UpscaleKernel of(String name, ConvTransposeSpec spec, Tensor weights,
      float[] bias) {
    return of(name, spec, weights, bias, BorderMode.ZERO);
  }

  /** The same with a border mode (a learned kernel keeps the built-ins' replicated edges). */
  public static UpscaleKernel of(String name, ConvTransposeSpec spec, Tensor weights,
      float[] bias, BorderMode border) {
    ConvTranspose.of(spec, weights, bias).requireFinite(); // validates shapes, refuses NaN/Inf
    return new UpscaleKernel(name, spec.stride(), spec, weights, bias, border,
        unevenOverlap(spec));
  }

  /** The names of the built-in kernels. */
  public static final java.util.List<String> BUILT_IN =
      java.util.List.of("nearest", "bilinear", "bicubic", "lanczos3", "fcn", "identity");

  /** A built-in kernel by name. */
  public static UpscaleKernel named(String name, Size2 scale) {
    Objects.requireNonNull(name, "kernel");
    String key = name.trim().toLowerCase(java.util.Locale.ROOT);
    if (scale.h() < 1 || scale.w() < 1 || scale.h() > 8 || scale.w() > 8) {
      throw new IllegalArgumentException("scale must be 1..8 on each axis, got " + scale);
    }
    switch (key) {
      case "identity":
        return identity(scale);
      case "fcn":
        return interpolation(Interpolation.BILINEAR, scale, BorderMode.ZERO, "fcn");
      case "nearest":
      case "bilinear":
      case "bicubic":
      case "lanczos3":
        return interpolation(Interpolation.parse(key), scale, BorderMode.REPLICATE, key);
      default:
        throw new IllegalArgumentException("unknown kernel '" + name + "'; expected one of "
            + BUILT_IN + " or a .npy file");
    }
  }

  private static UpscaleKernel interpolation(Interpolation k, Size2 scale, BorderMode border,
      String name) {
    ConvTranspose layer = k.layer(1, scale.h(), scale.w());
    return new UpscaleKernel(name, scale, layer.spec(), layer.weights(), null, border, null);
  }

  private static UpscaleKernel identity(Size2 scale) {
    Tensor w = Tensor.zeros(1, 1, 3, 3);
    for (int i = 0; i < 3; i++) {
      w.set(0, 0, i, i, 1f);
    }
    ConvTransposeSpec spec = ConvTransposeSpec.builder().kernel(3, 3).stride(scale)
        .padding(new Padding.TensorFlow(Padding.TfMode.SAME, null)).build();
    return new UpscaleKernel("identity", scale, spec, w, null, BorderMode.ZERO,
        unevenOverlap(spec));
  }

  /** A warning when the kernel size is not a multiple of the stride, else null. */
  static String unevenOverlap(ConvTransposeSpec spec) {
    Size2 k = spec.kernel();
    Size2 s = spec.stride();
    if (k.h() % s.h() == 0 && k.w() % s.w() == 0) {
      return null;
    }
    return "kernel " + k.h() + "x" + k.w() + " is not a multiple of the stride " + s
        + ": the taps overlap unevenly, expect checkerboard artifacts (Odena, Dumoulin, Olah,"
        + " Distill 2016)";
  }

  public String name() {
    return name;
  }

  public Size2 scale() {
    return scale;
  }

  public boolean perChannel() {
    return perChannel;
  }

  /** Colour channels a joint kernel needs (1 for per-channel kernels). */
  public int channels() {
    return network != null ? 1 : perChannelSpec.inChannels();
  }

  /** A warning for the user (uneven overlap), or null. */
  public String warning() {
    return warning;
  }

  /** The layer for {@code channels} channels: depthwise copies of a per-channel kernel. */
  public ConvTranspose layer(int channels) {
    if (network != null) {
      throw new IllegalStateException(name + " is a network, not a single layer");
    }
    if (!perChannel) {
      if (channels != perChannelSpec.inChannels()) {
        throw new IllegalArgumentException("kernel " + name + " takes "
            + perChannelSpec.inChannels() + " channels, the frame has " + channels);
      }
      return ConvTranspose.of(perChannelSpec, weights, bias).with(border);
    }
    ConvTransposeSpec spec = new ConvTransposeSpec(channels, channels, perChannelSpec.kernel(),
        perChannelSpec.stride(), perChannelSpec.dilation(), channels, perChannelSpec.padding(),
        bias != null);
    Tensor w = Tensor.zeros(channels, 1, weights.h(), weights.w());
    float[] b = bias == null ? null : new float[channels];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < weights.h(); y++) {
        for (int x = 0; x < weights.w(); x++) {
          w.set(c, 0, y, x, weights.get(0, 0, y, x));
        }
      }
      if (b != null) {
        b[c] = bias[0];
      }
    }
    return ConvTranspose.of(spec, w, b).with(border);
  }

  @Override
  public String toString() {
    return name + " x" + scale + (selfEnsemble ? " (self-ensemble)" : "");
  }
}
