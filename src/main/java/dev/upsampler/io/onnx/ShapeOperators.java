package dev.upsampler.io.onnx;

import static dev.upsampler.io.onnx.GraphValue.describe;
import static dev.upsampler.io.onnx.OnnxAttributes.attr;
import static dev.upsampler.io.onnx.OnnxAttributes.attrInt;
import static dev.upsampler.io.onnx.OnnxAttributes.attrInts;

import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.io.onnx.GraphValue.Net;
import dev.upsampler.io.onnx.GraphValue.Repeated;
import dev.upsampler.io.onnx.GraphValue.Reshaped;
import dev.upsampler.io.onnx.GraphValue.Skip;
import dev.upsampler.io.onnx.GraphValue.Sum;
import dev.upsampler.io.onnx.OnnxTensors.Constant;
import dev.upsampler.io.onnx.proto.OnnxModel.AttributeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import java.util.Arrays;

/**
 * The shape operators exporters emit around the layers of these networks, each read as what it
 * is there: PyTorch's pixel shuffle spelled out (Reshape to [N, C, b, b, H, W], Transpose,
 * Reshape back), its {@code repeat} of the input along channels (Tile, Expand, Concat,
 * ConstantOfShape for the shape), and the NHWC/NCHW transposes of a one-channel input. Anything
 * else of these operators is refused with the node.
 */
final class ShapeOperators {
  /** The graph's values, shared with {@link OnnxImport}'s walk. */
  private final GraphValues g;

  ShapeOperators(GraphValues g) {
    this.g = g;
  }

  /**
   * Depth to space of {@code v} (a network, or a network plus the repeated input): a
   * DepthToSpace node, or the end of a Reshape/Transpose/Reshape chain.
   */
  static GraphValue depthToSpace(GraphValue v, int block, boolean dcr, String where) {
    if (v instanceof Sum s && s.copies() > 0) {
      if (s.copies() != block * block || s.net().channels() != block * block) {
        throw new OnnxException(where + ": the input repeated " + s.copies() + " times, then"
            + " depth to space by " + block + "; that is a nearest skip only for "
            + block * block + " copies into one output channel");
      }
      Net up = s.net().with(new NetworkLayer.DepthToSpace(1, block, dcr), block);
      return new Sum(up, new Skip(Interpolation.NEAREST, block), 0);
    }
    if (!(v instanceof Net x) || x.scale() != 1 || x.layers().isEmpty()) {
      throw new OnnxException(where + ": depth to space of " + describe(v) + " is not"
          + " supported");
    }
    if (x.channels() % (block * block) != 0) {
      throw new OnnxException(where + ": " + x.channels() + " channels do not split into"
          + " blocks of " + block + "x" + block);
    }
    return x.with(new NetworkLayer.DepthToSpace(x.channels() / (block * block), block, dcr),
        block);
  }

  /** Tile: the input repeated along channels (PyTorch's {@code repeat}, ECBSR's skip). */
  void tile(NodeProto n, String where) {
    GraphValue v = g.value(n, 0, where);
    float[] r = g.constant(n, 1, where).floats();
    if (v instanceof Net x && x.layers().isEmpty() && x.inputScale() == 1f && r.length == 4
        && r[0] == 1 && r[2] == 1 && r[3] == 1 && r[1] >= 1) {
      g.put(n, new Repeated((int) r[1]), where);
    } else {
      throw new OnnxException(where + ": Tile " + Arrays.toString(r) + " of " + describe(v)
          + "; only the input repeated along channels is supported");
    }
  }

  /** PyTorch's {@code repeat} at opset 9: Expand to a shape of ones (a no-op), then Tile. */
  void expand(NodeProto n, String where) {
    GraphValue v = g.value(n, 0, where);
    long[] shape = g.constant(n, 1, where).ints();
    boolean ones = Arrays.stream(shape).allMatch(d -> d == 1);
    if (v instanceof Net x && shape.length <= 4 && ones) {
      g.put(n, x, where);
    } else if (v instanceof Net x && x.layers().isEmpty() && x.inputScale() == 1f
        && shape.length == 4 && shape[0] == 1 && shape[2] == 1 && shape[3] == 1) {
      g.put(n, new Repeated((int) shape[1]), where);
    } else {
      throw new OnnxException(where + ": Expand to " + Arrays.toString(shape) + " of "
          + describe(v) + " is not supported");
    }
  }

  /** ConstantOfShape: a constant tensor (the shape operand of an Expand). */
  Constant constantOfShape(NodeProto n, String where) {
    long[] shape = g.constant(n, 0, where).ints();
    AttributeProto a = attr(n, "value");
    float v = a == null ? 0f : OnnxTensors.decode(a.getT(), where).scalar();
    long count = 1;
    for (long d : shape) {
      if (d < 0 || (count *= d) > 1 << 20) {
        throw new OnnxException(where + ": shape " + Arrays.toString(shape));
      }
    }
    float[] f = new float[(int) count];
    long[] l = new long[f.length];
    Arrays.fill(f, v);
    Arrays.fill(l, (long) v);
    return new Constant(shape, f, l);
  }

  /** Concat of copies of the input along channels (another spelling of repeat). */
  void concat(NodeProto n, String where) {
    long axis = attrInt(n, "axis", 0);
    for (int i = 0; i < n.getInputCount(); i++) {
      if (!(g.value(n, i, where) instanceof Net x && x.layers().isEmpty()
          && x.inputScale() == 1f) || (axis != 1 && axis != -3)) {
        throw new OnnxException(where + ": only copies of the input along channels are"
            + " supported");
      }
    }
    g.put(n, new Repeated(n.getInputCount()), where);
  }

  /** Reshape: the first and last step of a pixel shuffle PyTorch spells out. */
  void reshape(NodeProto n, String where) {
    GraphValue v = g.value(n, 0, where);
    long[] shape = g.constant(n, 1, where).ints();
    if (v instanceof Reshaped r && r.perm() != null && r.base() instanceof Reshaped first) {
      // The end of a pixel shuffle: [N, C, b, b, H, W] -> perm -> [N, C, H*b, W*b].
      long[] s6 = first.shape();
      boolean crd = Arrays.equals(r.perm(), new int[] {0, 1, 4, 2, 5, 3});
      boolean dcr = Arrays.equals(r.perm(), new int[] {0, 3, 4, 1, 5, 2});
      int block = (int) (crd ? s6[2] : s6[1]);
      if ((crd || dcr) && s6.length == 6 && s6[1 + (crd ? 1 : 0)] == s6[2 + (crd ? 1 : 0)]
          && shape.length == 4) {
        g.put(n, depthToSpace(first.base(), block, dcr, where), where);
        return;
      }
    } else if (v instanceof Net || v instanceof Sum) {
      if (shape.length == 6) {
        g.put(n, new Reshaped(v, shape, null), where);
        return;
      }
    }
    throw new OnnxException(where + ": Reshape to " + Arrays.toString(shape) + " of "
        + describe(v) + " is not part of a pixel shuffle (Reshape [N, C, b, b, H, W],"
        + " Transpose, Reshape [N, C, H*b, W*b])");
  }

  /** Transpose: the middle step of that pixel shuffle, or NHWC/NCHW for one channel. */
  void transpose(NodeProto n, String where) {
    GraphValue v = g.value(n, 0, where);
    int[] perm = Arrays.stream(attrInts(n, "perm", new long[0])).mapToInt(l -> (int) l)
        .toArray();
    if (v instanceof Reshaped r && r.perm() == null && perm.length == 6) {
      g.put(n, new Reshaped(r, r.shape(), perm), where);
    } else if (v instanceof Net x && x.layers().isEmpty() && x.channels() == 1
        && Arrays.equals(perm, new int[] {0, 3, 1, 2})) {
      g.put(n, x, where); // NHWC input of one channel to NCHW: the same values
    } else if (v instanceof Net x && x.channels() == 1
        && Arrays.equals(perm, new int[] {0, 2, 3, 1})) {
      g.put(n, new Reshaped(x, null, perm), where);
    } else {
      throw new OnnxException(where + ": Transpose " + Arrays.toString(perm) + " of "
          + describe(v) + " is not supported");
    }
  }
}
