package dev.upsampler.engine;

import static dev.upsampler.engine.PaddingTest.randomTensor;
import static dev.upsampler.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Algebraic properties over seeded random specs: linearity in the input, and adjointness with
 * the forward convolution, {@code <convT(x), y> == <x, conv(y)>}, which training relies on.
 */
class PropertiesTest {
  static final int CASES = 150;

  /** A random spec and input size that plans (redrawn until the front end accepts it). */
  record Drawn(ConvTransposeSpec spec, int n, int h, int w) {}

  static Drawn draw(Random rnd) {
    while (true) {
      int g = 1 + rnd.nextInt(3);
      int cin = g * (1 + rnd.nextInt(2));
      int cout = g * (1 + rnd.nextInt(2));
      Size2 k = new Size2(1 + rnd.nextInt(5), 1 + rnd.nextInt(5));
      Size2 s = new Size2(1 + rnd.nextInt(4), 1 + rnd.nextInt(4));
      Size2 d = new Size2(1 + rnd.nextInt(2), 1 + rnd.nextInt(2));
      int h = 1 + rnd.nextInt(6);
      int w = 1 + rnd.nextInt(6);
      Padding p = switch (rnd.nextInt(4)) {
        case 0 -> Padding.torch(new Size2(rnd.nextInt(3), rnd.nextInt(3)),
            new Size2(rnd.nextInt(Math.max(s.h(), d.h())), rnd.nextInt(Math.max(s.w(), d.w()))));
        case 1 -> Padding.onnxPads(rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3), rnd.nextInt(3),
            Size2.square(0));
        case 2 -> new Padding.OnnxAuto(
            rnd.nextBoolean() ? Padding.AutoPad.SAME_UPPER : Padding.AutoPad.SAME_LOWER, null,
            Size2.square(0));
        default -> new Padding.TensorFlow(
            rnd.nextBoolean() ? Padding.TfMode.SAME : Padding.TfMode.VALID, null);
      };
      try {
        ConvTransposeSpec spec = new ConvTransposeSpec(cin, cout, k, s, d, g, p, false);
        spec.plan(h, w);
        return new Drawn(spec, 1 + rnd.nextInt(2), h, w);
      } catch (SpecException e) {
        // an empty output or an output padding too large for this draw: draw again
      }
    }
  }

  @Test
  void linearInTheInput() {
    Random rnd = new Random(11);
    for (int i = 0; i < CASES; i++) {
      Drawn dr = draw(rnd);
      ConvTransposeSpec spec = dr.spec();
      Tensor w = randomTensor(rnd, spec.inChannels(), spec.outPerGroup(), spec.kernel().h(),
          spec.kernel().w());
      ConvTranspose op = ConvTranspose.of(spec, w, null);
      Tensor a = randomTensor(rnd, dr.n(), spec.inChannels(), dr.h(), dr.w());
      Tensor b = randomTensor(rnd, dr.n(), spec.inChannels(), dr.h(), dr.w());
      float alpha = 0.75f;
      float beta = -1.5f;
      Tensor mix = Tensor.zeros(dr.n(), spec.inChannels(), dr.h(), dr.w());
      for (int j = 0; j < mix.size(); j++) {
        mix.data()[j] = alpha * a.data()[j] + beta * b.data()[j];
      }
      Tensor ya = op.apply(a);
      Tensor yb = op.apply(b);
      Tensor combined = Tensor.zeros(ya.n(), ya.c(), ya.h(), ya.w());
      for (int j = 0; j < combined.size(); j++) {
        combined.data()[j] = alpha * ya.data()[j] + beta * yb.data()[j];
      }
      assertClose(combined, op.apply(mix), 1e-5, 1.0, "case " + i + " " + spec);
    }
  }

  @Test
  void adjointOfTheForwardConvolution() {
    Random rnd = new Random(12);
    for (int i = 0; i < CASES; i++) {
      Drawn dr = draw(rnd);
      ConvTransposeSpec spec = dr.spec();
      Tensor w = randomTensor(rnd, spec.inChannels(), spec.outPerGroup(), spec.kernel().h(),
          spec.kernel().w());
      ConvTranspose op = ConvTranspose.of(spec, w, null);
      Tensor x = randomTensor(rnd, dr.n(), spec.inChannels(), dr.h(), dr.w());
      ConvTransposePlan plan = op.plan(x);
      Tensor y = randomTensor(rnd, dr.n(), spec.outChannels(), plan.outH(), plan.outW());
      double lhs = dot(op.apply(x), y);
      double rhs = dot(x, ConvolutionReference.compute(plan, y, w));
      double scale = Math.max(1.0, Math.sqrt(x.size() * (double) y.size()) * 1e-2);
      assertEquals(lhs, rhs, 1e-4 * scale, "case " + i + " " + spec + " " + plan);
    }
  }

  static double dot(Tensor a, Tensor b) {
    double s = 0;
    for (int i = 0; i < a.size(); i++) {
      s += (double) a.data()[i] * b.data()[i];
    }
    return s;
  }
}
