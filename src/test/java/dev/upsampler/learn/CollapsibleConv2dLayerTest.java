package dev.upsampler.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The re-parameterised convolution equals its unmerged branches (a k x k convolution to the
 * expanded width, a 1x1 back, plus the input) run as separate layers: forward over whole images
 * (borders included), and the factors' gradients against those the separate layers compute.
 */
class CollapsibleConv2dLayerTest {

  @Test
  void mergedEqualsTheUnmergedBranchesForwardAndBackward() {
    Random rnd = new Random(17);
    for (int trial = 0; trial < 12; trial++) {
      int in = 1 + rnd.nextInt(4);
      int out = rnd.nextBoolean() ? in : 1 + rnd.nextInt(5);
      int k = 1 + 2 * rnd.nextInt(3);
      int expand = 1 + rnd.nextInt(8);
      int h = 1 + rnd.nextInt(9);
      int w = 1 + rnd.nextInt(9);
      CollapsibleConv2dLayer layer = new CollapsibleConv2dLayer(in, out, k, expand, rnd, 0.5);
      float[] p = layer.parameters();
      for (int i = 0; i < p.length; i++) {
        p[i] += (float) (rnd.nextGaussian() * 0.2); // biases too
      }
      int w3 = expand * in * k * k;
      float[] first = new float[w3 + expand];
      System.arraycopy(p, 0, first, 0, w3 + expand);
      float[] second = new float[out * expand + out];
      System.arraycopy(p, w3 + expand, second, 0, second.length);
      Conv2dLayer a = new Conv2dLayer(new NetworkLayer.Conv2d(in, expand, k, first));
      Conv2dLayer b = new Conv2dLayer(new NetworkLayer.Conv2d(expand, out, 1, second));
      Tensor x = random(rnd, 2, in, h, w);
      Tensor want = b.forward(a.forward(x));
      if (in == out) {
        for (int i = 0; i < want.data().length; i++) {
          want.data()[i] += x.data()[i];
        }
      }
      String what = "trial " + trial + ": " + in + " -> " + expand + " -> " + out + " k" + k
          + " " + h + "x" + w;
      Tensor got = layer.forward(x);
      assertClose(want.data(), got.data(), what + " forward");

      Tensor g = random(rnd, 2, out, h, w);
      layer.zeroGradients();
      Tensor dx = layer.backward(g);
      a.zeroGradients();
      b.zeroGradients();
      Tensor dxa = a.backward(b.backward(g));
      if (in == out) {
        for (int i = 0; i < dxa.data().length; i++) {
          dxa.data()[i] += g.data()[i];
        }
      }
      assertClose(dxa.data(), dx.data(), what + " dx");
      float[] wantGrads = new float[p.length];
      System.arraycopy(a.gradients(), 0, wantGrads, 0, w3 + expand);
      System.arraycopy(b.gradients(), 0, wantGrads, w3 + expand, second.length);
      assertClose(wantGrads, layer.gradients(), what + " factor gradients");

      // What serves the model: one convolution with the merged weights.
      NetworkLayer.Conv2d served = (NetworkLayer.Conv2d) layer.inference();
      float[] y = new float[out * h * w];
      served.forward(Layer.image(x, 0), h, w, y, new NetworkLayer.Workspace());
      float[] want0 = new float[out * h * w];
      System.arraycopy(want.data(), 0, want0, 0, want0.length);
      assertClose(want0, y, what + " served");
    }
  }

  private static Tensor random(Random rnd, int n, int c, int h, int w) {
    Tensor t = Tensor.zeros(n, c, h, w);
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = (float) rnd.nextGaussian();
    }
    return t;
  }

  private static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), what + " " + i);
    }
  }
}
