package dev.upsampler.engine;

import static dev.upsampler.engine.PaddingTest.randomTensor;
import static dev.upsampler.testing.TensorAssert.assertClose;
import static dev.upsampler.testing.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast engine against the reference over thousands of seeded random specs: every padding
 * front end, groups, depthwise, dilation, non-square kernels and strides, kernel smaller than
 * stride, 1x1 and 1xN images, batch > 1, odd sizes, both border modes; plain tensors and views;
 * SIMD against scalar and one thread against two, bit for bit; 8-bit in and out.
 *
 * <p>Tolerance: {@code |fast - reference| <= 1e-5 * max(|reference|, 1)}. Inputs and weights are
 * N(0, 1), so every output is a sum of O(1) terms; float32 accumulation errs by ~1e-7 of the
 * terms' scale, which a purely relative bound cannot allow on sums that cancel to nearly zero.
 */
class FastPathTest {

  /** A random spec that plans for a random input (redrawn until the front end accepts it). */
  record Case(ConvTranspose op, Tensor x) {}

  static Case draw(Random rnd, int maxSide) {
    while (true) {
      int g = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 1;
      boolean depthwise = rnd.nextInt(6) == 0;
      int cin = depthwise ? g : g * (1 + rnd.nextInt(3));
      int cout = depthwise ? g : g * (1 + rnd.nextInt(3));
      Size2 s = new Size2(1 + rnd.nextInt(4), 1 + rnd.nextInt(4));
      Size2 k = rnd.nextInt(5) == 0
          ? new Size2(1 + rnd.nextInt(s.h()), 1 + rnd.nextInt(s.w())) // kernel <= stride
          : new Size2(1 + rnd.nextInt(7), 1 + rnd.nextInt(7));
      Size2 d = new Size2(rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(2) : 1,
          rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(2) : 1);
      int h = rnd.nextInt(8) == 0 ? 1 : 1 + rnd.nextInt(maxSide);
      int w = rnd.nextInt(8) == 0 ? 1 : 1 + rnd.nextInt(maxSide);
      Padding p = switch (rnd.nextInt(5)) {
        case 0 -> Padding.torch(new Size2(rnd.nextInt(4), rnd.nextInt(4)),
            new Size2(rnd.nextInt(Math.max(s.h(), d.h())), rnd.nextInt(Math.max(s.w(), d.w()))));
        case 1 -> Padding.onnxPads(rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4), rnd.nextInt(4),
            Size2.square(0));
        case 2 -> new Padding.OnnxAuto(Padding.AutoPad.values()[rnd.nextInt(3)], null,
            Size2.square(0));
        case 3 -> new Padding.TensorFlow(Padding.TfMode.SAME, null);
        default -> new Padding.TensorFlow(Padding.TfMode.VALID, null);
      };
      try {
        boolean hasBias = rnd.nextBoolean();
        ConvTransposeSpec spec = new ConvTransposeSpec(cin, cout, k, s, d, g, p, hasBias);
        spec.plan(h, w);
        Tensor weights = randomTensor(rnd, cin, cout / g, k.h(), k.w());
        float[] bias = null;
        if (hasBias) {
          bias = new float[cout];
          for (int i = 0; i < cout; i++) {
            bias[i] = (float) rnd.nextGaussian();
          }
        }
        ConvTranspose op = ConvTranspose.of(spec, weights, bias)
            .with(rnd.nextInt(3) == 0 ? BorderMode.REPLICATE : BorderMode.ZERO);
        return new Case(op, randomTensor(rnd, 1 + rnd.nextInt(2), cin, h, w));
      } catch (SpecException e) {
        // illegal draw (empty output, output padding too large): draw again
      }
    }
  }

  static Tensor reference(Case c) {
    return c.op().using(ConvTranspose.Algorithm.REFERENCE).apply(c.x());
  }

  @Test
  void equalsTheReferenceOnThousandsOfSpecs() {
    Random rnd = new Random(2026);
    int fast = 0;
    for (int i = 0; i < 3000; i++) {
      Case c = draw(rnd, 9);
      fast += DenseConvTranspose.supports(c.op().spec()) ? 1 : 0;
      assertClose(reference(c), c.op().apply(c.x()), 1e-5, 1.0,
          "case " + i + " " + c.op().spec() + " " + c.op().plan(c.x()) + " " + c.op().border());
    }
    assertTrue(fast > 2000, "most drawn specs take the fast path: " + fast);
  }

  @Test
  void scalarAndSimdAreBitIdentical() {
    Random rnd = new Random(99);
    for (int i = 0; i < 400; i++) {
      Case c = draw(rnd, 40);
      assertSame(c.op().scalar().apply(c.x()), c.op().apply(c.x()), "case " + i);
    }
  }

  @Test
  void oneAndTwoThreadsAreBitIdenticalAndMatchTheReference() {
    Random rnd = new Random(5);
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 40; i++) {
        Case small = draw(rnd, 12);
        // Enlarge the image so that the work is split into many tiles on both threads.
        Tensor x = randomTensor(rnd, small.x().n(), small.x().c(), 90 + rnd.nextInt(60),
            100 + rnd.nextInt(700));
        Tensor one = small.op().apply(x);
        assertSame(one, small.op().apply(x, two), "case " + i);
        if (i < 6) {
          assertClose(small.op().using(ConvTranspose.Algorithm.REFERENCE).apply(x), one, 1e-5,
              1.0, "case " + i);
        }
      }
    }
  }

  /** Inputs and outputs as views inside larger buffers: elements outside stay untouched. */
  @Test
  void worksOnViewsAndTouchesNothingOutside() {
    Random rnd = new Random(17);
    for (int i = 0; i < 200; i++) {
      Case c = draw(rnd, 9);
      Tensor x = c.x();
      ConvTransposePlan plan = c.op().plan(x);
      int pad = 3;
      float[] inBuf = new float[x.n() * x.c() * (x.h() + pad) * (x.w() + 2 * pad) + 7];
      Tensor xv = Tensor.view(inBuf, 7, x.n(), x.c(), x.h(), x.w(),
          x.c() * (x.h() + pad) * (x.w() + 2 * pad), (x.h() + pad) * (x.w() + 2 * pad),
          x.w() + 2 * pad);
      for (int b = 0; b < x.n(); b++) {
        for (int ch = 0; ch < x.c(); ch++) {
          for (int y = 0; y < x.h(); y++) {
            for (int xx = 0; xx < x.w(); xx++) {
              xv.set(b, ch, y, xx, x.get(b, ch, y, xx));
            }
          }
        }
      }
      int co = c.op().spec().outChannels();
      int rowStride = plan.outW() + 5;
      float[] outBuf = new float[x.n() * co * (plan.outH() + 2) * rowStride + 11];
      Arrays.fill(outBuf, -7f);
      Tensor yv = Tensor.view(outBuf, 11, x.n(), co, plan.outH(), plan.outW(),
          co * (plan.outH() + 2) * rowStride, (plan.outH() + 2) * rowStride, rowStride);
      c.op().apply(xv, yv, Parallelism.inline());
      Tensor expected = reference(c);
      assertClose(expected, yv.copy(), 1e-5, 1.0, "case " + i);
      int untouched = 0;
      for (float v : outBuf) {
        untouched += v == -7f ? 1 : 0;
      }
      int changedOutside = outBuf.length - untouched - expected.size();
      assertTrue(changedOutside <= 0, "case " + i + ": wrote " + changedOutside
          + " elements outside the output view");
    }
  }

  /** 8-bit in, 8-bit out: equal to the float path followed by the documented rounding. */
  @Test
  void eightBitPathsEqualTheFloatPathRounded() {
    Random rnd = new Random(8);
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 300; i++) {
        Case c = draw(rnd, 30);
        ConvTranspose op = c.op();
        int cin = op.spec().inChannels();
        int h = c.x().h();
        int w = c.x().w();
        boolean interleaved = rnd.nextBoolean();
        byte[] bytes = new byte[cin * h * w];
        rnd.nextBytes(bytes);
        U8Image in = interleaved ? U8Image.interleaved(bytes, w, h, cin)
            : U8Image.planar(bytes, w, h, cin);
        // Scale weights so outputs spread over and beyond [0, 255].
        Tensor y = op.apply(in.toTensor());
        ConvTransposePlan plan = op.spec().plan(h, w);
        int co = op.spec().outChannels();
        U8Image out = rnd.nextBoolean()
            ? U8Image.interleaved(plan.outW(), plan.outH(), co)
            : U8Image.planar(new byte[co * plan.outH() * plan.outW()], plan.outW(), plan.outH(),
                co);
        op.apply(in, out, i % 2 == 0 ? two : Parallelism.inline());
        for (int ch = 0; ch < co; ch++) {
          for (int yy = 0; yy < plan.outH(); yy++) {
            for (int xx = 0; xx < plan.outW(); xx++) {
              int expected = RowKernel.toU8(y.get(0, ch, yy, xx));
              if (out.get(ch, yy, xx) != expected) {
                assertEquals(expected, out.get(ch, yy, xx), "case " + i + " at [" + ch + ", " + yy
                    + ", " + xx + "] float " + y.get(0, ch, yy, xx));
              }
            }
          }
        }
      }
    }
  }

  /**
   * The GEMM + col2im path (16 or more input channels per group) over random strides, dilations
   * (both above 1 included), kernels, groups, crops, batches, float and 8-bit I/O and threads.
   */
  @Test
  void gemmPathEqualsTheReference() {
    Random rnd = new Random(56);
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 60; i++) {
        int g = 1 + rnd.nextInt(2);
        int cin = g * (16 + rnd.nextInt(10));
        int cout = g * (1 + rnd.nextInt(3));
        Size2 s = new Size2(1 + rnd.nextInt(3), 1 + rnd.nextInt(3));
        Size2 k = new Size2(1 + rnd.nextInt(9), 1 + rnd.nextInt(9));
        Size2 d = new Size2(1 + rnd.nextInt(2), 1 + rnd.nextInt(2));
        Padding p = rnd.nextBoolean()
            ? Padding.torch(new Size2(rnd.nextInt(3), rnd.nextInt(3)), Size2.square(0))
            : new Padding.TensorFlow(Padding.TfMode.SAME, null);
        ConvTransposeSpec spec;
        int h = 1 + rnd.nextInt(40);
        int w = 1 + rnd.nextInt(200);
        try {
          spec = new ConvTransposeSpec(cin, cout, k, s, d, g, p, true);
          spec.plan(h, w);
        } catch (SpecException e) {
          continue;
        }
        float[] bias = new float[cout];
        for (int j = 0; j < cout; j++) {
          bias[j] = (float) rnd.nextGaussian();
        }
        ConvTranspose op = ConvTranspose.of(spec, randomTensor(rnd, cin, cout / g, k.h(), k.w()),
            bias);
        assertTrue(op.pathDescription().startsWith("GEMM"), op.pathDescription());
        Tensor x = randomTensor(rnd, 1 + rnd.nextInt(2), cin, h, w);
        Tensor expected = op.using(ConvTranspose.Algorithm.REFERENCE).apply(x);
        Tensor one = op.apply(x);
        // Sums of up to ~2000 N(0,1) products: relative to the output's RMS (its scale).
        assertClose(expected, one, 1e-5, Math.max(1.0, rms(expected)),
            "case " + i + " " + spec + " " + op.plan(x));
        assertSame(one, op.apply(x, two), "two threads, case " + i);
        assertSame(one, op.scalar().apply(x), "scalar, case " + i);
      }
    }
  }

  static double rms(Tensor t) {
    double s = 0;
    for (float v : t.toArray()) {
      s += (double) v * v;
    }
    return Math.sqrt(s / t.size());
  }

  /** Output rows computed strip by strip equal the same rows of the whole output, bit for bit. */
  @Test
  void stripsEqualTheWholeOutput() {
    Random rnd = new Random(77);
    for (int i = 0; i < 150; i++) {
      Case c = draw(rnd, 40);
      ConvTranspose op = c.op();
      int cin = op.spec().inChannels();
      int h = c.x().h();
      int w = c.x().w();
      byte[] bytes = new byte[cin * h * w];
      rnd.nextBytes(bytes);
      U8Image in = U8Image.interleaved(bytes, w, h, cin);
      ConvTransposePlan plan = op.spec().plan(h, w);
      int co = op.spec().outChannels();
      U8Image whole = U8Image.interleaved(plan.outW(), plan.outH(), co);
      op.apply(in, whole, Parallelism.inline());
      int row = 0;
      while (row < plan.outH()) {
        int rows = Math.min(plan.outH() - row, 1 + rnd.nextInt(9));
        U8Image strip = U8Image.interleaved(plan.outW(), rows, co);
        op.applyRows(in, strip, row, Parallelism.inline());
        for (int k = 0; k < rows * plan.outW() * co; k++) {
          if (strip.data()[k] != whole.data()[row * plan.outW() * co + k]) {
            assertEquals(whole.data()[row * plan.outW() * co + k], strip.data()[k],
                "case " + i + " strip at row " + row + ", byte " + k + " " + op.spec());
          }
        }
        row += rows;
      }
    }
  }

  @Test
  void roundingIsHalfUpAndClamped() {
    assertEquals(0, RowKernel.toU8(-3f));
    assertEquals(0, RowKernel.toU8(Float.NaN));
    assertEquals(1, RowKernel.toU8(0.5f));
    assertEquals(2, RowKernel.toU8(1.5f));
    assertEquals(3, RowKernel.toU8(2.5f));
    assertEquals(2, RowKernel.toU8(2.4999f));
    assertEquals(255, RowKernel.toU8(254.5f));
    assertEquals(255, RowKernel.toU8(1e9f));
    assertEquals(255, RowKernel.toU8(Float.POSITIVE_INFINITY));
  }
}
