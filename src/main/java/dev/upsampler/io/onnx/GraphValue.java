package dev.upsampler.io.onnx;

import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.io.onnx.OnnxTensors.Constant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a value of an ONNX graph is in the engine's terms, as {@link OnnxImport} walks the graph:
 * the input passed through layers so far, an interpolation of the input (a skip), the input
 * repeated along channels, their sum, a clamp of the result, or a step of a Reshape/Transpose
 * pixel shuffle; and the folding of constant arithmetic into the convolution before it.
 */
sealed interface GraphValue {

  /**
   * The graph's input through {@code layers}; {@code inputScale} multiplies the input (folded
   * into the first convolution); {@code scale} 1 until a layer upscales.
   */
  record Net(List<NetworkLayer> layers, int channels, float inputScale, int scale)
      implements GraphValue {
    Net with(NetworkLayer l, int newScale) {
      List<NetworkLayer> next = new ArrayList<>(layers);
      next.add(l);
      return new Net(next, l.outChannels(), inputScale, newScale);
    }
  }

  /** The graph's input upscaled by {@code kind}. */
  record Skip(Interpolation kind, int scale) implements GraphValue {}

  /** The graph's input repeated {@code copies} times along channels. */
  record Repeated(int copies) implements GraphValue {}

  /** An upscaled net plus a skip; with {@code copies > 0}, a net plus the repeated input. */
  record Sum(Net net, Skip skip, int copies) implements GraphValue {}

  /** The network's output clamped to [min, max]. */
  record Clipped(GraphValue inner, float min, float max) implements GraphValue {}

  /** A Reshape or Transpose of {@code base}, on the way of a Reshape/Transpose pixel shuffle. */
  record Reshaped(GraphValue base, long[] shape, int[] perm) implements GraphValue {}

  static String describe(GraphValue v) {
    if (v instanceof Net n) {
      return n.scale() == 1 ? "a network that has not upscaled yet" : "a network";
    } else if (v instanceof Skip) {
      return "an interpolation of the input alone";
    } else if (v instanceof Repeated) {
      return "the input repeated along channels";
    } else if (v instanceof Sum s) {
      return s.copies() > 0 ? "a network plus the repeated input, not yet depth-to-space"
          : "a network plus a skip connection";
    } else if (v instanceof Clipped c) {
      return "a clamp of " + describe(c.inner());
    }
    return "a Reshape/Transpose that is not a pixel shuffle";
  }

  /**
   * {@code x * scale + sign * add} folded into the last convolution of {@code x} (through a
   * depth to space after it: a per-element constant commutes with the rearrangement).
   */
  static Net affine(Net x, float scale, Constant add, float sign, String where) {
    int last = x.layers().size() - 1;
    int conv = last;
    if (conv >= 0 && x.layers().get(conv) instanceof NetworkLayer.DepthToSpace) {
      conv--;
    }
    if (conv < 0 || !(x.layers().get(conv) instanceof NetworkLayer.Conv2d
        || x.layers().get(conv) instanceof NetworkLayer.ConvTranspose2d)) {
      throw new OnnxException(where + ": an arithmetic constant that does not directly follow"
          + " a convolution cannot be folded into the network exactly");
    }
    NetworkLayer l = x.layers().get(conv);
    float[] p = l.params().clone();
    int outs = l.outChannels();
    int weights;
    boolean hasBias;
    if (l instanceof NetworkLayer.Conv2d c) {
      weights = NetworkLayer.Conv2d.weightCount(c.in(), c.out(), c.k());
      hasBias = true;
    } else {
      NetworkLayer.ConvTranspose2d t = (NetworkLayer.ConvTranspose2d) l;
      weights = NetworkLayer.ConvTranspose2d.weightCount(t.spec());
      hasBias = t.spec().hasBias();
    }
    for (int i = 0; i < p.length; i++) {
      p[i] *= scale;
    }
    if (add != null) {
      if (!hasBias) {
        throw new OnnxException(where + ": adding a constant to a transposed convolution"
            + " without bias is not supported");
      }
      OnnxTensors.requireFinite(add, where + " constant");
      if (add.floats().length != 1 && (add.floats().length != outs || conv != last)) {
        throw new OnnxException(where + ": a constant of shape " + Arrays.toString(add.dims())
            + "; one number (or one per channel right after a convolution) is supported");
      }
      for (int o = 0; o < outs; o++) {
        p[weights + o] += sign * add.floats()[add.floats().length == 1 ? 0 : o];
      }
    }
    NetworkLayer folded = l instanceof NetworkLayer.Conv2d c
        ? new NetworkLayer.Conv2d(c.in(), c.out(), c.k(), p)
        : new NetworkLayer.ConvTranspose2d(((NetworkLayer.ConvTranspose2d) l).spec(), p);
    List<NetworkLayer> layers = new ArrayList<>(x.layers());
    layers.set(conv, folded);
    return new Net(layers, x.channels(), x.inputScale(), x.scale());
  }
}
