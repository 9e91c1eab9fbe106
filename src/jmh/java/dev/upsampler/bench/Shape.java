package dev.upsampler.bench;

import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import java.util.Random;

/**
 * The shapes the engine is judged on (a, b, c of the performance notes) and the kernel/stride
 * sweep ({@code k<K>s<S>}: 3 -> 3 channels on a 270 x 480 input, PyTorch padding (k - s) / 2).
 */
record Shape(String id, int cin, int cout, int groups, int h, int w, int k, int s, int pad,
    int outputPadding) {

  static Shape of(String id) {
    return switch (id) {
      case "a" -> new Shape("a", 1, 1, 1, 540, 960, 4, 2, 1, 0);
      case "b" -> new Shape("b", 3, 3, 1, 540, 960, 4, 2, 1, 0);
      case "c" -> new Shape("c", 56, 1, 1, 270, 480, 9, 2, 4, 1);
      default -> {
        if (!id.matches("k\\d+s\\d+")) {
          throw new IllegalArgumentException("unknown shape " + id);
        }
        int k = Integer.parseInt(id.substring(1, id.indexOf('s')));
        int s = Integer.parseInt(id.substring(id.indexOf('s') + 1));
        yield new Shape(id, 3, 3, 1, 270, 480, k, s, Math.max(0, (k - s) / 2), 0);
      }
    };
  }

  ConvTransposeSpec spec() {
    return ConvTransposeSpec.builder().channels(cin, cout).groups(groups).kernel(k, k).stride(s)
        .padding(Padding.torch(Size2.square(pad), Size2.square(outputPadding))).build();
  }

  ConvTransposePlan plan() {
    return spec().plan(h, w);
  }

  Tensor input(long seed) {
    return random(new Random(seed), 1, cin, h, w);
  }

  Tensor weights(long seed) {
    return random(new Random(seed + 1), cin, cout / groups, k, k);
  }

  static Tensor random(Random rnd, int n, int c, int h, int w) {
    Tensor t = Tensor.zeros(n, c, h, w);
    for (int i = 0; i < t.size(); i++) {
      t.data()[i] = (float) rnd.nextGaussian();
    }
    return t;
  }

  String describe() {
    ConvTransposePlan p = plan();
    return cin + "x" + h + "x" + w + " -> " + cout + "x" + p.outH() + "x" + p.outW() + ", k" + k
        + " s" + s + " pad " + pad + (outputPadding > 0 ? " op " + outputPadding : "");
  }
}
