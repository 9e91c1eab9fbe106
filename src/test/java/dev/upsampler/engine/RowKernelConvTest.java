package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The SIMD direct convolution (blocks of 8 or 4 rows by 3 vectors, then single vectors, then a
 * scalar tail) against the scalar kernel over seeded random shapes: bit for bit, as both take
 * the taps in the same order with fused multiply-adds. Row counts up to 40 and lengths up to
 * 7 vectors cover every block kind and edge on any vector width.
 */
class RowKernelConvTest {

  @Test
  void simdConvolutionEqualsScalarBitForBit() {
    RowKernel simd = VectorSupport.kernel();
    RowKernel scalar = VectorSupport.scalar();
    Random rnd = new Random(31);
    for (int n = 0; n < 120; n++) {
      int rows = 1 + rnd.nextInt(40);
      int taps = 1 + rnd.nextInt(n % 3 == 0 ? 300 : 30);
      int len = 1 + rnd.nextInt(7 * 16 + 20);
      int xOff = 50 + rnd.nextInt(8);
      int[] tapOff = new int[taps];
      for (int t = 0; t < taps; t++) {
        tapOff[t] = rnd.nextInt(101) - 50;
      }
      float[] x = random(rnd, xOff + 50 + len + 8);
      float[] w = random(rnd, taps * rows);
      float[] bias = random(rnd, rows);
      float[] slopes = rnd.nextBoolean() ? random(rnd, rows) : null;
      int zStride = len + rnd.nextInt(5);
      float[] want = new float[3 + rows * zStride];
      float[] got = new float[want.length];
      scalar.conv(w, rows, x, xOff, tapOff, taps, bias, slopes, want, 3, zStride, len);
      simd.conv(w, rows, x, xOff, tapOff, taps, bias, slopes, got, 3, zStride, len);
      assertArrayEquals(want, got, "case " + n + ": rows " + rows + ", taps " + taps + ", len "
          + len + " (" + VectorSupport.description() + ")");
    }
  }

  private static float[] random(Random rnd, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    return f;
  }
}
