package dev.upsampler.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One PyTorch-generated transposed-convolution case from {@code golden/deconv_cases.json}
 * (written by {@code generate_deconv_goldens.py}).
 */
public record GoldenCase(
    String name,
    List<String> args,
    Size2 stride,
    Size2 dilation,
    int groups,
    Padding padding,
    Tensor x,
    Tensor w,
    float[] bias,
    Tensor y,
    double yAbsMax) {

  private static JsonNode document;

  /** The whole golden document (cached). */
  public static synchronized JsonNode document() {
    if (document == null) {
      try (InputStream in = GoldenCase.class.getResourceAsStream("/golden/deconv_cases.json")) {
        document = new ObjectMapper().readTree(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return document;
  }

  public static List<GoldenCase> all() {
    List<GoldenCase> cases = new ArrayList<>();
    for (JsonNode c : document().get("cases")) {
      cases.add(parse(c));
    }
    return cases;
  }

  private static GoldenCase parse(JsonNode c) {
    List<String> args = new ArrayList<>();
    c.get("args").forEach(a -> args.add(a.asText()));
    float[] bias = c.get("bias").isNull() ? null : floats(c.get("bias"));
    return new GoldenCase(
        c.get("name").asText(), args, size(c.get("stride")), size(c.get("dilation")),
        c.get("groups").asInt(), padding(c.get("padding")), tensor(c, "x"), tensor(c, "w"), bias,
        tensor(c, "y"), c.get("y_abs_max").asDouble());
  }

  private static Padding padding(JsonNode p) {
    String kind = p.get("kind").asText();
    return switch (kind) {
      case "torch" -> Padding.torch(size(p.get("padding")), size(p.get("output_padding")));
      case "torch_size" -> Padding.torch(size(p.get("padding")), Size2.square(0))
          .withOutputShape(size(p.get("output_shape")));
      case "onnx_pads" -> Padding.onnxPads(
          p.get("pads").get(0).asInt(), p.get("pads").get(1).asInt(),
          p.get("pads").get(2).asInt(), p.get("pads").get(3).asInt(),
          size(p.get("output_padding")));
      case "onnx_auto" -> new Padding.OnnxAuto(
          Padding.AutoPad.parse(p.get("mode").asText()), size(p.get("output_shape")),
          size(p.get("output_padding")));
      case "tf_same", "tf_valid" -> new Padding.TensorFlow(
          Padding.TfMode.parse(p.get("mode").asText()), size(p.get("output_shape")));
      default -> throw new IllegalArgumentException("unknown padding kind " + kind);
    };
  }

  private static Size2 size(JsonNode pair) {
    return new Size2(pair.get(0).asInt(), pair.get(1).asInt());
  }

  private static Tensor tensor(JsonNode c, String key) {
    JsonNode s = c.get(key + "_shape");
    return Tensor.wrap(
        floats(c.get(key)), s.get(0).asInt(), s.get(1).asInt(), s.get(2).asInt(), s.get(3).asInt());
  }

  private static float[] floats(JsonNode base64) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64.asText()))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    b.asFloatBuffer().get(f);
    return f;
  }

  @Override
  public String toString() {
    return name + " " + String.join(" ", args);
  }
}
