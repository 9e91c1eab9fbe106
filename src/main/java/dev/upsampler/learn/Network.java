package dev.upsampler.learn;

import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import java.util.List;
import java.util.Random;

/** Layers in sequence: forward through all, backward in reverse. */
public final class Network {
  private final List<Layer> layers;

  public Network(List<Layer> layers) {
    this.layers = List.copyOf(layers);
  }

  public List<Layer> layers() {
    return layers;
  }

  public Tensor forward(Tensor x) {
    Tensor y = x;
    for (Layer l : layers) {
      y = l.forward(y);
    }
    return y;
  }

  /** Back-propagates {@code gradOut}; parameter gradients accumulate in the layers. */
  public Tensor backward(Tensor gradOut) {
    Tensor g = gradOut;
    for (int i = layers.size() - 1; i >= 0; i--) {
      g = layers.get(i).backward(g);
    }
    return g;
  }

  /** A network for another thread: shared parameters, its own gradients (see Layer#replica). */
  public Network replica() {
    return new Network(layers.stream().map(Layer::replica).toList());
  }

  /** The inference network, sharing these parameters: what {@code upscale} runs. */
  public SequentialNetwork inference() {
    return new SequentialNetwork(layers.stream().map(Layer::inference).toList());
  }

  public void zeroGradients() {
    layers.forEach(Layer::zeroGradients);
  }

  /**
   * A plain ESPCN/ECBSR-style stack on one channel: a 3x3 convolution to {@code channels}, {@code
   * mid} more 3x3 convolutions at that width, each followed by the activation ({@code prelu},
   * {@code relu}, {@code relu6}), a last 3x3 convolution to {@code scale^2} channels and depth to
   * space. Everything runs at the input's size, so it costs {@code 9 * (channels * (1 + mid * channels + scale^2))}
   * multiply-adds per input pixel. The last layer starts near zero: with a skip connection the
   * network starts as the interpolation it adds to.
   */
  public static Network espcn(int channels, int mid, int scale, String activation,
      Random init) {
    return espcn(channels, mid, scale, activation, 0, init);
  }

  /**
   * The same, each convolution trained re-parameterised ({@link CollapsibleConv2dLayer}: a 3x3 to
   * {@code expand} channels, a 1x1 back, plus the input where the widths agree) when {@code
   * expand > 0}; served as the plain stack either way.
   */
  public static Network espcn(int channels, int mid, int scale, String activation, int expand,
      Random init) {
    List<Layer> l = new java.util.ArrayList<>();
    l.add(conv3x3(1, channels, expand, init, Math.sqrt(2.0 / 9)));
    l.add(activation(activation, channels));
    for (int i = 0; i < mid; i++) {
      l.add(conv3x3(channels, channels, expand, init, Math.sqrt(2.0 / (channels * 9))));
      l.add(activation(activation, channels));
    }
    l.add(conv3x3(channels, scale * scale, expand, init, 0.001));
    l.add(new DepthToSpaceLayer(1, scale, false));
    return new Network(l);
  }

  private static Layer conv3x3(int in, int out, int expand, Random init, double std) {
    return expand > 0 ? new CollapsibleConv2dLayer(in, out, 3, expand, init, std)
        : new Conv2dLayer(in, out, 3, init, std);
  }

  private static Layer activation(String kind, int channels) {
    return switch (kind) {
      case "prelu" -> new PReluLayer(channels, 0.25f);
      case "relu" -> new ReluLayer(channels, 0f);
      case "relu6" -> new ClampLayer(channels, 0f, 6f);
      default -> throw new IllegalArgumentException("activation must be prelu, relu or relu6,"
          + " got " + kind);
    };
  }

  /**
   * FSRCNN (Dong et al. 2016) on one channel: feature extraction 5x5 to {@code d}, shrinking
   * 1x1 to {@code s}, {@code m} mappings 3x3, expanding 1x1 to {@code d}, each followed by
   * PReLU, then a 9x9 transposed convolution with the scale as stride (PyTorch's padding 4 and
   * output padding scale - 1, so the output is exactly scale times the input).
   */
  public static Network fsrcnn(int d, int s, int m, int scale, Random init) {
    List<Layer> l = new java.util.ArrayList<>();
    l.add(new Conv2dLayer(1, d, 5, init));
    l.add(new PReluLayer(d, 0.25f));
    l.add(new Conv2dLayer(d, s, 1, init));
    l.add(new PReluLayer(s, 0.25f));
    for (int i = 0; i < m; i++) {
      l.add(new Conv2dLayer(s, s, 3, init));
      l.add(new PReluLayer(s, 0.25f));
    }
    l.add(new Conv2dLayer(s, d, 1, init));
    l.add(new PReluLayer(d, 0.25f));
    ConvTransposeSpec up = new ConvTransposeSpec(d, 1, Size2.square(9), Size2.square(scale),
        Size2.square(1), 1, Padding.torch(Size2.square(4), Size2.square(scale - 1)), true);
    l.add(new ConvTransposeLayer(up, init, 0.001));
    return new Network(l);
  }
}
