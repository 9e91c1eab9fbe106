package dev.upsampler.learn;

import static dev.upsampler.testing.JsonTensors.assertValues;
import static dev.upsampler.testing.JsonTensors.tensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import dev.upsampler.testing.Resources;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ESPCN-style networks (3x3 convolutions, PReLU / ReLU / LeakyReLU, PixelShuffle, a nearest or
 * bicubic skip) against PyTorch (golden/generate_espcn_goldens.py): the training layers forward
 * and backward, and the engine serving the same weights with the skip connection.
 */
class EspcnGoldenTest {

  @Test
  void layersAndServingEqualPyTorch() throws Exception {
    JsonNode root = new ObjectMapper().readTree(
        Resources.path("golden/espcn_cases.json").toFile());
    for (JsonNode c : root.get("cases")) {
      Network net = build(c.get("layers"));
      String what = c.get("layers").toString() + " skip " + c.get("skip").asText();
      NetworkGoldenTest.assertForwardAndBackward(net, c, what);
      Tensor x = tensor(c.get("x_shape"), c.get("x"));

      SequentialNetwork served = net.inference();
      String skip = c.get("skip").asText();
      if (!skip.equals("none")) {
        served = served.withSkip(Interpolation.parse(skip));
      }
      int[] ys = {c.get("y_shape").get(2).asInt(), c.get("y_shape").get(3).asInt()};
      Tensor out = Tensor.zeros(1, 1, ys[0], ys[1]);
      try (Parallelism par = Parallelism.newPool(2)) {
        served.apply(x, out, par, 1f);
      }
      assertValues(c.get("y_skip"), out.data(), 1e-4, what + " served with its skip");
    }
  }

  private static Network build(JsonNode spec) {
    List<Layer> layers = new ArrayList<>();
    int channels = 1;
    Random init = new Random(0);
    for (JsonNode s : spec) {
      switch (s.get(0).asText()) {
        case "conv" -> {
          layers.add(new Conv2dLayer(s.get(1).asInt(), s.get(2).asInt(), s.get(3).asInt(),
              init));
          channels = s.get(2).asInt();
        }
        case "prelu" -> layers.add(new PReluLayer(s.get(1).asInt(), 0.25f));
        case "relu" -> layers.add(new ReluLayer(channels, (float) s.get(1).asDouble()));
        case "clamp" -> layers.add(new ClampLayer(channels, (float) s.get(1).asDouble(),
            (float) s.get(2).asDouble()));
        case "shuffle" -> {
          int b = s.get(1).asInt();
          layers.add(new DepthToSpaceLayer(channels / (b * b), b, false));
        }
        default -> throw new IllegalArgumentException(s.toString());
      }
    }
    return new Network(layers);
  }
}
