package dev.upsampler.bench;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a one-node ONNX model ({@code ConvTranspose}, opset 17) as protobuf bytes, so that ONNX
 * Runtime can be measured on exactly the layer the engine runs, without a protobuf dependency.
 * Field numbers are those of onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto).
 */
final class OnnxModel {
  private OnnxModel() {}

  /**
   * @param x input shape [N, C_in, H, W]; @param w weights [C_in, C_out/g, kH, kW] with values
   * @param y output shape
   */
  static byte[] convTranspose(int[] x, int[] wShape, float[] w, int[] y, int[] strides,
      int[] pads, int[] outputPadding, int group) {
    Proto node = new Proto()
        .string(1, "x").string(1, "w").string(2, "y").string(3, "deconv").string(4, "ConvTranspose")
        .message(5, ints("strides", strides))
        .message(5, ints("pads", pads))
        .message(5, ints("output_padding", outputPadding))
        .message(5, ints("kernel_shape", new int[] {wShape[2], wShape[3]}))
        .message(5, new Proto().string(1, "group").varint(3, group).varint(20, 2));
    ByteBuffer raw = ByteBuffer.allocate(w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(w);
    Proto weights = new Proto();
    for (int d : wShape) {
      weights.varint(1, d);
    }
    weights.varint(2, 1).string(8, "w").bytes(9, raw.array());
    Proto graph = new Proto().message(1, node).string(2, "upsampler-bench")
        .message(5, weights).message(11, valueInfo("x", x)).message(12, valueInfo("y", y));
    return new Proto().varint(1, 8).string(2, "upsampler-bench").message(7, graph)
        .message(8, new Proto().string(1, "").varint(2, 17)).toBytes();
  }

  private static Proto ints(String name, int[] values) {
    Proto a = new Proto().string(1, name).varint(20, 7);
    for (int v : values) {
      a.varint(8, v);
    }
    return a;
  }

  private static Proto valueInfo(String name, int[] shape) {
    Proto dims = new Proto();
    for (int d : shape) {
      dims.message(1, new Proto().varint(1, d));
    }
    Proto tensorType = new Proto().varint(1, 1).message(2, dims);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  /** A minimal protobuf writer: varints, length-delimited strings, bytes and messages. */
  private static final class Proto {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Proto varint(int field, long v) {
      tag(field, 0);
      raw(v);
      return this;
    }

    Proto string(int field, String s) {
      return bytes(field, s.getBytes(StandardCharsets.UTF_8));
    }

    Proto bytes(int field, byte[] b) {
      tag(field, 2);
      raw(b.length);
      out.writeBytes(b);
      return this;
    }

    Proto message(int field, Proto m) {
      return bytes(field, m.toBytes());
    }

    byte[] toBytes() {
      return out.toByteArray();
    }

    private void tag(int field, int wireType) {
      raw((long) field << 3 | wireType);
    }

    private void raw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }
  }
}
