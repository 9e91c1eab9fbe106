package dev.upsampler.io.onnx;

import static dev.upsampler.io.onnx.GraphValue.describe;

import dev.upsampler.io.onnx.GraphValue.Net;
import dev.upsampler.io.onnx.OnnxTensors.Constant;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import java.util.HashMap;
import java.util.Map;

/**
 * The named values of an ONNX graph as {@link OnnxImport} walks it: constants (initializers and
 * Constant nodes, the weights) and computed values ({@link GraphValue}), read as a node's inputs
 * with messages that name the node when one is missing or of the wrong kind.
 */
final class GraphValues {
  private final Map<String, Constant> constants = new HashMap<>();
  private final Map<String, GraphValue> values = new HashMap<>();

  boolean isConstant(String name) {
    return constants.containsKey(name);
  }

  /** The constant named so, or null. */
  Constant constantOrNull(String name) {
    return constants.get(name);
  }

  void putConstant(String name, Constant c) {
    constants.put(name, c);
  }

  void putValue(String name, GraphValue v) {
    values.put(name, v);
  }

  /** The computed value named so, or null. */
  GraphValue valueOrNull(String name) {
    return values.get(name);
  }

  /** An Identity or Dropout: its output is its input, constant or computed. */
  void alias(NodeProto n, String where) {
    String in = n.getInput(0);
    if (constants.containsKey(in)) {
      constants.put(n.getOutput(0), constants.get(in));
    } else {
      put(n, value(n, 0, where), where);
    }
  }

  /** Records {@code v} as the node's (first) output. */
  void put(NodeProto n, GraphValue v, String where) {
    if (n.getOutputCount() < 1) {
      throw new OnnxException(where + ": no output");
    }
    values.put(n.getOutput(0), v);
  }

  /** Input {@code i}, a computed value (not a constant). */
  GraphValue value(NodeProto n, int i, String where) {
    if (n.getInputCount() <= i) {
      throw new OnnxException(where + ": input " + i + " is missing");
    }
    GraphValue v = values.get(n.getInput(i));
    if (v == null) {
      throw new OnnxException(where + ": input '" + n.getInput(i) + "' is "
          + (constants.containsKey(n.getInput(i)) ? "a constant where a computed value was"
          + " expected" : "never computed before this node"));
    }
    return v;
  }

  /** Input {@code i} as a network value ({@code upscaled}: one that has upscaled is fine). */
  Net net(NodeProto n, int i, String where, boolean upscaled) {
    GraphValue v = value(n, i, where);
    if (!(v instanceof Net x)) {
      throw new OnnxException(where + ": " + n.getOpType() + " of " + describe(v)
          + " is not supported");
    }
    if (!upscaled && x.scale() > 1) {
      throw new OnnxException(where + ": " + n.getOpType() + " after the upscaling layer is"
          + " not supported (the engine upscales last)");
    }
    return x;
  }

  /** Input {@code i}, a constant (an initializer or a Constant node's output). */
  Constant constant(NodeProto n, int i, String where) {
    if (n.getInputCount() <= i) {
      throw new OnnxException(where + ": input " + i + " is missing");
    }
    Constant c = constants.get(n.getInput(i));
    if (c == null) {
      throw new OnnxException(where + ": input '" + n.getInput(i) + "' must be a constant"
          + " (an initializer or a Constant node)");
    }
    return c;
  }
}
