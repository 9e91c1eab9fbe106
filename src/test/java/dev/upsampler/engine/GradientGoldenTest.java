package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.testing.Resources;
import org.junit.jupiter.api.Test;

/** The gradients against PyTorch autograd (golden/generate_gradient_goldens.py). */
class GradientGoldenTest {

  static Tensor tensor(JsonNode shape, JsonNode values) {
    Tensor t = Tensor.zeros(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt(),
        shape.get(3).asInt());
    for (int i = 0; i < values.size(); i++) {
      t.data()[i] = (float) values.get(i).asDouble();
    }
    return t;
  }

  static Size2 pair(JsonNode n) {
    return new Size2(n.get(0).asInt(), n.get(1).asInt());
  }

  static void assertValues(JsonNode want, float[] got, String what) {
    assertEquals(want.size(), got.length, what + " size");
    for (int i = 0; i < got.length; i++) {
      double w = want.get(i).asDouble();
      assertEquals(w, got[i], 1e-4 * Math.max(1, Math.abs(w)), what + "[" + i + "]");
    }
  }

  @Test
  void weightInputAndBiasGradientsEqualAutograd() throws Exception {
    JsonNode root = new ObjectMapper().readTree(
        Resources.path("golden/gradient_cases.json").toFile());
    int n = 0;
    for (JsonNode c : root.get("cases")) {
      Tensor x = tensor(c.get("x_shape"), c.get("x"));
      Tensor w = tensor(c.get("w_shape"), c.get("w"));
      Tensor r = tensor(c.get("r_shape"), c.get("r"));
      int groups = c.get("groups").asInt();
      ConvTransposeSpec spec = new ConvTransposeSpec(w.n(), w.c() * groups,
          new Size2(w.h(), w.w()), pair(c.get("stride")), pair(c.get("dilation")), groups,
          Padding.torch(pair(c.get("padding")), pair(c.get("output_padding"))), true);
      ConvTransposePlan plan = spec.plan(x.h(), x.w());
      ConvTransposeGradients.Result g = ConvTransposeGradients.compute(plan, x, w, r,
          BorderMode.ZERO);
      String what = "case " + n + " " + spec;
      assertValues(c.get("dw"), g.weights().data(), what + " dW");
      assertValues(c.get("dx"), g.input().data(), what + " dx");
      assertValues(c.get("db"), g.bias(), what + " db");
      n++;
    }
    assertEquals(40, n);
  }
}
