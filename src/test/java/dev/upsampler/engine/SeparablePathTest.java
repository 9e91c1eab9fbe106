package dev.upsampler.engine;

import static dev.upsampler.engine.PaddingTest.randomTensor;
import static dev.upsampler.testing.TensorAssert.assertClose;
import static dev.upsampler.testing.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The separable (two 1-D passes) path for depthwise rank-1 kernels, against the reference. */
class SeparablePathTest {

  static ConvTranspose randomSeparable(Random rnd, int channels, boolean withBias) {
    while (true) {
      Size2 s = new Size2(1 + rnd.nextInt(4), 1 + rnd.nextInt(4));
      Size2 k = new Size2(1 + rnd.nextInt(9), 1 + rnd.nextInt(9));
      Size2 d = new Size2(1 + rnd.nextInt(2), s.w() > 1 ? 1 : 1 + rnd.nextInt(2));
      Padding p = rnd.nextBoolean()
          ? Padding.onnxPads(rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4),
              Size2.square(0))
          : new Padding.TensorFlow(Padding.TfMode.SAME, null);
      try {
        ConvTransposeSpec spec =
            new ConvTransposeSpec(channels, channels, k, s, d, channels, p, withBias);
        spec.plan(8, 8);
        Tensor w = Tensor.zeros(channels, 1, k.h(), k.w());
        for (int c = 0; c < channels; c++) {
          float[] u = new float[k.h()];
          float[] v = new float[k.w()];
          for (int i = 0; i < u.length; i++) {
            u[i] = (float) rnd.nextGaussian();
          }
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
          }
          for (int y = 0; y < k.h(); y++) {
            for (int x = 0; x < k.w(); x++) {
              w.set(c, 0, y, x, u[y] * v[x]);
            }
          }
        }
        float[] bias = null;
        if (withBias) {
          bias = new float[channels];
          for (int c = 0; c < channels; c++) {
            bias[c] = (float) rnd.nextGaussian() * 20;
          }
        }
        return ConvTranspose.of(spec, w, bias)
            .with(rnd.nextBoolean() ? BorderMode.REPLICATE : BorderMode.ZERO);
      } catch (SpecException e) {
        // illegal draw: draw again
      }
    }
  }

  @Test
  void floatPathEqualsTheReference() {
    Random rnd = new Random(3);
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 400; i++) {
        ConvTranspose op = randomSeparable(rnd, 1 + rnd.nextInt(4), rnd.nextBoolean());
        assertTrue(op.pathDescription().startsWith("separable"), op.pathDescription());
        Tensor x = randomTensor(rnd, 1 + rnd.nextInt(2), op.spec().inChannels(),
            1 + rnd.nextInt(30), 1 + rnd.nextInt(i < 20 ? 600 : 40));
        if (!plans(op, x.h(), x.w())) {
          continue;
        }
        Tensor expected = op.using(ConvTranspose.Algorithm.REFERENCE).apply(x);
        Tensor y = op.apply(x);
        assertClose(expected, y, 1e-5, 1.0, "case " + i + " " + op.spec() + " " + op.border());
        assertSame(y, op.apply(x, two), "two threads, case " + i);
        assertSame(y, op.scalar().apply(x), "scalar, case " + i);
      }
    }
  }

  /** Interleaved and planar 8-bit frames: the fast float result rounded, at every pixel. */
  @Test
  void eightBitFramesEqualTheFloatPathRounded() {
    Random rnd = new Random(4);
    for (int i = 0; i < 200; i++) {
      int ch = 1 + rnd.nextInt(4);
      ConvTranspose op = randomSeparable(rnd, ch, rnd.nextBoolean());
      int h = 1 + rnd.nextInt(20);
      int w = 1 + rnd.nextInt(i < 10 ? 700 : 50);
      if (!plans(op, h, w)) {
        continue;
      }
      byte[] bytes = new byte[ch * h * w];
      rnd.nextBytes(bytes);
      boolean interleaved = rnd.nextInt(4) != 0;
      U8Image in = interleaved ? U8Image.interleaved(bytes, w, h, ch)
          : U8Image.planar(bytes, w, h, ch);
      ConvTransposePlan plan = op.spec().plan(h, w);
      U8Image out = interleaved ? U8Image.interleaved(plan.outW(), plan.outH(), ch)
          : U8Image.planar(new byte[ch * plan.outH() * plan.outW()], plan.outW(), plan.outH(), ch);
      op.apply(in, out, Parallelism.inline());
      Tensor yf = op.apply(in.toTensor());
      for (int c = 0; c < ch; c++) {
        for (int y = 0; y < plan.outH(); y++) {
          for (int x = 0; x < plan.outW(); x++) {
            float f = yf.get(0, c, y, x);
            int expected = RowKernel.toU8(f);
            int got = out.get(c, y, x);
            if (got != expected) {
              assertEquals(expected, got, "case " + i + " at [" + c + ", " + y + ", " + x
                  + "], float " + f + " " + op.spec());
            }
          }
        }
      }
    }
  }

  /** False when the drawn padding leaves no output for this input size. */
  static boolean plans(ConvTranspose op, int h, int w) {
    try {
      op.spec().plan(h, w);
      return true;
    } catch (SpecException e) {
      return false;
    }
  }

  @Test
  void onlyRankOneKernelsFactor() {
    Tensor w = Tensor.wrap(new float[] {1, 2, 3, 6}, 1, 1, 2, 2);
    assertTrue(SeparableConvTranspose.factor(w) != null);
    Tensor full = Tensor.wrap(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    assertNull(SeparableConvTranspose.factor(full));
  }
}
