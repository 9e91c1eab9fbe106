package dev.upsampler.io.onnx;

import dev.upsampler.io.onnx.proto.OnnxModel.AttributeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Values of ONNX tensors (initializers and constants) as floats or integers. */
final class OnnxTensors {
  static final int FLOAT = 1;
  static final int INT32 = 6;
  static final int INT64 = 7;
  static final int DOUBLE = 11;

  private OnnxTensors() {}

  /** A constant: its shape and values (floats for FLOAT/DOUBLE, also integers as floats). */
  record Constant(long[] dims, float[] floats, long[] ints) {
    long count() {
      long n = 1;
      for (long d : dims) {
        n *= d;
      }
      return n;
    }

    /** The one value of a scalar (or a tensor of one element). */
    float scalar() {
      return floats.length == 1 ? floats[0] : Float.NaN;
    }
  }

  /**
   * Decodes a tensor, or throws {@link OnnxException} for a type or storage it cannot read.
   *
   * @param where the node or initializer, for messages
   */
  static Constant decode(TensorProto t, String where) {
    if (t.getDataLocation() == 1 || t.getExternalDataCount() > 0) {
      throw new OnnxException(where + ": the values are stored in an external file (ONNX"
          + " external data); export again with the weights inside the model");
    }
    long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new OnnxException(where + ": negative dimension " + d);
      }
      count *= d;
    }
    if (count > 64L << 20) {
      throw new OnnxException(where + ": " + count + " values is more than a small network"
          + " holds (at most " + (64L << 20) + " per tensor)");
    }
    int n = (int) count;
    ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    boolean fromRaw = !t.getRawData().isEmpty();
    float[] f = new float[n];
    long[] l = new long[n];
    switch (t.getDataType()) {
      case FLOAT -> {
        check(fromRaw ? raw.remaining() / 4 : t.getFloatDataCount(), n, where);
        for (int i = 0; i < n; i++) {
          f[i] = fromRaw ? raw.getFloat(4 * i) : t.getFloatData(i);
          l[i] = (long) f[i];
        }
      }
      case DOUBLE -> {
        check(fromRaw ? raw.remaining() / 8 : t.getDoubleDataCount(), n, where);
        for (int i = 0; i < n; i++) {
          f[i] = (float) (fromRaw ? raw.getDouble(8 * i) : t.getDoubleData(i));
          l[i] = (long) f[i];
        }
      }
      case INT64 -> {
        check(fromRaw ? raw.remaining() / 8 : t.getInt64DataCount(), n, where);
        for (int i = 0; i < n; i++) {
          l[i] = fromRaw ? raw.getLong(8 * i) : t.getInt64Data(i);
          f[i] = l[i];
        }
      }
      case INT32 -> {
        check(fromRaw ? raw.remaining() / 4 : t.getInt32DataCount(), n, where);
        for (int i = 0; i < n; i++) {
          l[i] = fromRaw ? raw.getInt(4 * i) : t.getInt32Data(i);
          f[i] = l[i];
        }
      }
      default -> throw new OnnxException(where + ": tensor data type " + t.getDataType()
          + " is not one this importer reads (float, double, int32, int64)");
    }
    return new Constant(dims, f, l);
  }

  private static void check(int have, int want, String where) {
    if (have != want) {
      throw new OnnxException(where + ": holds " + have + " values, its shape says " + want);
    }
  }

  /** Refuses a constant with a NaN or infinite value (weights from a diverged training). */
  static void requireFinite(Constant c, String where) {
    float[] f = c.floats();
    for (int i = 0; i < f.length; i++) {
      if (!Float.isFinite(f[i])) {
        throw new OnnxException(where + ": value " + i + " is " + f[i] + " (NaN or infinite"
            + " weights)");
      }
    }
  }

  /** The value of a Constant node (value, value_float(s), value_int(s)). */
  static Constant ofConstantNode(NodeProto n, String where) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return decode(a.getT(), where);
        case "value_float":
          return new Constant(new long[0], new float[] {a.getF()}, new long[] {(long) a.getF()});
        case "value_int":
          return new Constant(new long[0], new float[] {a.getI()}, new long[] {a.getI()});
        case "value_floats": {
          float[] f = new float[a.getFloatsCount()];
          long[] l = new long[f.length];
          for (int i = 0; i < f.length; i++) {
            f[i] = a.getFloats(i);
            l[i] = (long) f[i];
          }
          return new Constant(new long[] {f.length}, f, l);
        }
        case "value_ints": {
          long[] l = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
          float[] f = new float[l.length];
          for (int i = 0; i < l.length; i++) {
            f[i] = l[i];
          }
          return new Constant(new long[] {l.length}, f, l);
        }
        default:
          break;
      }
    }
    throw new OnnxException(where + ": a Constant without a numeric value");
  }
}
