package dev.upsampler.io.onnx;

import dev.upsampler.io.onnx.proto.OnnxModel.AttributeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import java.util.Arrays;

/** A node's attributes by name, with ONNX's defaults where the node leaves one out. */
final class OnnxAttributes {
  private OnnxAttributes() {}

  static void requireOnes(NodeProto n, String attr, String where) {
    for (long v : attrInts(n, attr, new long[0])) {
      if (v != 1) {
        throw new OnnxException(where + ": " + attr + " " + Arrays.toString(attrInts(n, attr,
            new long[0])) + " is not supported (1 only)");
      }
    }
  }

  static boolean has(NodeProto n, String name) {
    return n.getAttributeList().stream().anyMatch(a -> a.getName().equals(name));
  }

  static AttributeProto attr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElse(null);
  }

  static long attrInt(NodeProto n, String name, long fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getI();
  }

  static float attrFloat(NodeProto n, String name, float fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getF();
  }

  static long[] attrInts(NodeProto n, String name, long[] fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  static String attrString(NodeProto n, String name, String fallback) {
    AttributeProto a = attr(n, name);
    return a == null ? fallback : a.getS().toStringUtf8();
  }
}
