package dev.upsampler.engine;

import static dev.upsampler.testing.JsonTensors.assertValues;
import static dev.upsampler.testing.JsonTensors.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.testing.Resources;
import org.junit.jupiter.api.Test;

/** The gradients against PyTorch autograd (golden/generate_gradient_goldens.py). */
class GradientGoldenTest {

  static Size2 pair(JsonNode n) {
    return new Size2(n.get(0).asInt(), n.get(1).asInt());
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
      assertValues(c.get("dw"), g.weights().data(), 1e-4, what + " dW");
      assertValues(c.get("dx"), g.input().data(), 1e-4, what + " dx");
      assertValues(c.get("db"), g.bias(), 1e-4, what + " db");
      n++;
    }
    assertEquals(40, n);
  }
}
