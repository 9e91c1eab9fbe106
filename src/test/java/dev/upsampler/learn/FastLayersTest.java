package dev.upsampler.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.ConvTransposeGradients;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeReference;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.ConvolutionReference;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.SpecException;
import dev.upsampler.engine.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The training layers' GEMM forms (im2col, scatter/gather, SIMD dot products) against the
 * engine's reference loops, forward and backward, over seeded random shapes.
 */
class FastLayersTest {

  @Test
  void convolutionEqualsTheReferenceForwardAndBackward() {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 120; trial++) {
      int in = 1 + rnd.nextInt(6);
      int out = 1 + rnd.nextInt(6);
      int k = 1 + 2 * rnd.nextInt(3);
      int h = 1 + rnd.nextInt(13);
      int w = 1 + rnd.nextInt(21);
      int n = 1 + rnd.nextInt(2);
      Conv2dLayer layer = new Conv2dLayer(in, out, k, rnd);
      float[] p = layer.parameters();
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) rnd.nextGaussian();
      }
      Tensor x = random(rnd, n, in, h, w);
      Tensor weights = Tensor.wrap(java.util.Arrays.copyOf(p, out * in * k * k), out, in, k, k);
      ConvTransposePlan adjoint = new ConvTransposeSpec(out, in, Size2.square(k),
          Size2.square(1), Size2.square(1), 1,
          Padding.torch(Size2.square(k / 2), Size2.square(0)), false).plan(h, w);
      Tensor want = ConvolutionReference.compute(adjoint, x, weights);
      for (int b = 0; b < n; b++) {
        for (int c = 0; c < out; c++) {
          for (int i = 0; i < h * w; i++) {
            want.data()[(b * out + c) * h * w + i] += p[out * in * k * k + c];
          }
        }
      }
      String what = "conv " + in + "->" + out + " k" + k + " " + n + "x" + h + "x" + w;
      assertClose(want.data(), layer.forward(x).data(), what + " forward");

      Tensor g = random(rnd, n, out, h, w);
      layer.zeroGradients();
      Tensor dx = layer.backward(g);
      Tensor wantDx = Tensor.zeros(n, in, h, w);
      ConvTransposeReference.compute(adjoint, g, weights, null, wantDx);
      assertClose(wantDx.data(), dx.data(), what + " input gradient");
      ConvTransposeGradients.Result r = ConvTransposeGradients.compute(adjoint, g, weights, x,
          BorderMode.ZERO);
      float[] got = layer.gradients();
      assertClose(r.weights().data(), java.util.Arrays.copyOf(got, out * in * k * k),
          what + " weight gradient");
      for (int c = 0; c < out; c++) {
        double sum = 0;
        for (int b = 0; b < n; b++) {
          for (int i = 0; i < h * w; i++) {
            sum += g.data()[(b * out + c) * h * w + i];
          }
        }
        assertEquals(sum, got[out * in * k * k + c], 1e-4 * (1 + Math.abs(sum)), what + " bias");
      }
    }
  }

  @Test
  void transposedConvolutionEqualsTheReferenceForwardAndBackward() {
    Random rnd = new Random(12);
    int done = 0;
    while (done < 150) {
      int in = 1 + rnd.nextInt(7);
      int out = 1 + rnd.nextInt(3);
      int k = 1 + rnd.nextInt(9);
      int s = 1 + rnd.nextInt(4);
      int d = 1 + rnd.nextInt(2);
      int pad = rnd.nextInt((k - 1) * d + 1);
      int op = rnd.nextInt(Math.max(s, d));
      int h = 1 + rnd.nextInt(9);
      int w = 1 + rnd.nextInt(17);
      int n = 1 + rnd.nextInt(2);
      boolean bias = rnd.nextBoolean();
      ConvTransposeSpec spec;
      ConvTransposePlan plan;
      try {
        spec = new ConvTransposeSpec(in, out, Size2.square(k), Size2.square(s), Size2.square(d),
            1, Padding.torch(Size2.square(pad), Size2.square(op)), bias);
        plan = spec.plan(h, w);
      } catch (SpecException illegal) {
        continue; // an empty output: not a shape to test
      }
      done++;
      ConvTransposeLayer layer = new ConvTransposeLayer(spec, rnd, 1.0);
      float[] p = layer.parameters();
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) rnd.nextGaussian();
      }
      int nw = in * out * k * k;
      Tensor weights = Tensor.wrap(java.util.Arrays.copyOf(p, nw), in, out, k, k);
      float[] b = bias ? java.util.Arrays.copyOfRange(p, nw, nw + out) : null;
      Tensor x = random(rnd, n, in, h, w);
      Tensor want = Tensor.zeros(n, out, plan.outH(), plan.outW());
      ConvTransposeReference.compute(plan, x, weights, b, want, BorderMode.ZERO);
      String what = "convT " + in + "->" + out + " k" + k + " s" + s + " d" + d + " p" + pad
          + " op" + op + " " + n + "x" + h + "x" + w;
      assertClose(want.data(), layer.forward(x).data(), what + " forward");

      Tensor g = random(rnd, n, out, plan.outH(), plan.outW());
      layer.zeroGradients();
      Tensor dx = layer.backward(g);
      ConvTransposeGradients.Result r = ConvTransposeGradients.compute(plan, x, weights, g,
          BorderMode.ZERO);
      assertClose(r.input().data(), dx.data(), what + " input gradient");
      assertClose(r.weights().data(), java.util.Arrays.copyOf(layer.gradients(), nw),
          what + " weight gradient");
      if (bias) {
        assertClose(r.bias(), java.util.Arrays.copyOfRange(layer.gradients(), nw, nw + out),
            what + " bias gradient");
      }
    }
  }

  @Test
  void replicasShareParametersButNotGradients() {
    Network net = Network.fsrcnn(4, 3, 1, 2, new Random(3));
    Network copy = net.replica();
    Tensor x = random(new Random(4), 1, 1, 6, 5);
    Tensor y = net.forward(x);
    assertClose(y.data(), copy.forward(x).data(), "replica forward");
    net.zeroGradients();
    copy.zeroGradients();
    copy.backward(y);
    for (int i = 0; i < net.layers().size(); i++) {
      assertEquals(net.layers().get(i).parameters(), copy.layers().get(i).parameters());
      for (float v : net.layers().get(i).gradients()) {
        assertEquals(0f, v, "the original's gradients stay untouched");
      }
    }
    // The inference network sees the same weights: what upscale serves is what was trained.
    float[] served = net.inference().forward(x.data(), 6, 5,
        new dev.upsampler.engine.NetworkLayer.Workspace());
    assertClose(y.data(), java.util.Arrays.copyOf(served, y.data().length), "inference");
  }

  /** Each loss's derivative against central differences (double precision). */
  @Test
  void lossDerivativesMatchFiniteDifferences() {
    Random rnd = new Random(13);
    for (Loss loss : Loss.values()) {
      for (int i = 0; i < 200; i++) {
        double d = rnd.nextGaussian() * (i % 2 == 0 ? 1 : 0.01);
        if (loss == Loss.L1 && Math.abs(d) < 1e-5) {
          continue; // the kink
        }
        double h = 1e-7;
        double numeric = (loss.value(d + h) - loss.value(d - h)) / (2 * h);
        assertEquals(numeric, loss.derivative(d), 1e-5 * Math.max(1, Math.abs(numeric)),
            loss + " at " + d);
      }
    }
    assertEquals(0, Loss.L1.derivative(0), "L1's subgradient at 0 is PyTorch's, 0");
  }

  private static Tensor random(Random rnd, int n, int c, int h, int w) {
    Tensor t = Tensor.zeros(n, c, h, w);
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = (float) rnd.nextGaussian();
    }
    return t;
  }

  static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what + ": length");
    double scale = 1;
    for (float v : want) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < want.length; i++) {
      if (Math.abs(want[i] - got[i]) > 2e-5 * scale) {
        throw new AssertionError(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
      }
    }
  }
}
