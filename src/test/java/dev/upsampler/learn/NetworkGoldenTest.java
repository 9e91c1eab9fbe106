package dev.upsampler.learn;

import static dev.upsampler.testing.JsonTensors.assertValues;
import static dev.upsampler.testing.JsonTensors.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Tensor;
import dev.upsampler.testing.Resources;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * FSRCNN's layers (Conv2d, PReLU, ConvTranspose2d) forward and backward against PyTorch
 * autograd (golden/generate_network_goldens.py), and against finite differences.
 */
class NetworkGoldenTest {

  @Test
  void fsrcnnForwardAndGradientsEqualPyTorch() throws Exception {
    JsonNode root = new ObjectMapper().readTree(
        Resources.path("golden/network_cases.json").toFile());
    for (JsonNode c : root.get("cases")) {
      Network net = Network.fsrcnn(c.get("d").asInt(), c.get("s").asInt(), c.get("m").asInt(),
          c.get("scale").asInt(), new Random(0));
      String what = "fsrcnn d" + c.get("d") + " s" + c.get("s") + " m" + c.get("m") + " x"
          + c.get("scale");
      assertForwardAndBackward(net, c, what);
    }
  }

  /**
   * Loads a golden case's parameters ("params", per layer) into {@code net}, then checks its
   * output "y" for input "x" (1e-4), and, back-propagating "r", every layer's gradients and "dx"
   * (1e-3) against PyTorch's.
   */
  static void assertForwardAndBackward(Network net, JsonNode c, String what) {
    assertEquals(c.get("params").size(), net.layers().size(), what);
    for (int i = 0; i < net.layers().size(); i++) {
      float[] p = net.layers().get(i).parameters();
      JsonNode want = c.get("params").get(i);
      assertEquals(want.size(), p.length, what + " layer " + i + " parameter count");
      for (int j = 0; j < p.length; j++) {
        p[j] = (float) want.get(j).asDouble();
      }
    }
    Tensor x = tensor(c.get("x_shape"), c.get("x"));
    Tensor y = net.forward(x);
    assertValues(c.get("y"), y.data(), 1e-4, what + " y");
    Tensor r = tensor(c.get("y_shape"), c.get("r"));
    net.zeroGradients();
    Tensor dx = net.backward(r);
    for (int i = 0; i < net.layers().size(); i++) {
      assertValues(c.get("grads").get(i), net.layers().get(i).gradients(), 1e-3,
          what + " layer " + i + " gradient");
    }
    assertValues(c.get("dx"), dx.data(), 1e-3, what + " dx");
  }

  /** With PReLU slopes of 1 the network is smooth, so central differences are exact enough. */
  @Test
  void gradientsMatchFiniteDifferences() {
    Random rnd = new Random(2);
    Network net = Network.fsrcnn(3, 2, 1, 2, rnd);
    for (Layer l : net.layers()) {
      float[] p = l.parameters();
      for (int j = 0; j < p.length; j++) {
        p[j] = l instanceof PReluLayer ? 1f : p[j] + (float) (rnd.nextGaussian() * 0.2);
      }
    }
    Tensor x = Tensor.zeros(1, 1, 5, 4);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = (float) rnd.nextGaussian();
    }
    Tensor y = net.forward(x);
    Tensor r = Tensor.zeros(y.n(), y.c(), y.h(), y.w());
    for (int i = 0; i < r.data().length; i++) {
      r.data()[i] = (float) rnd.nextGaussian();
    }
    net.zeroGradients();
    net.backward(r);
    float eps = 1e-2f; // the forward pass is float: smaller steps drown in its rounding
    for (Layer l : net.layers()) {
      if (l instanceof PReluLayer) {
        continue; // its kink is PyTorch's test above
      }
      float[] p = l.parameters();
      for (int k = 0; k < 4; k++) {
        int j = rnd.nextInt(p.length);
        float keep = p[j];
        p[j] = keep + eps;
        double up = dot(net.forward(x), r);
        p[j] = keep - eps;
        double down = dot(net.forward(x), r);
        p[j] = keep;
        double numeric = (up - down) / (2 * eps);
        assertEquals(numeric, l.gradients()[j], 2e-2 * Math.max(1, Math.abs(numeric)),
            l.getClass().getSimpleName() + " parameter " + j);
      }
    }
  }

  static double dot(Tensor a, Tensor b) {
    double s = 0;
    for (int i = 0; i < a.data().length; i++) {
      s += (double) a.data()[i] * b.data()[i];
    }
    return s;
  }
}
