package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
  /**
   * The weight gradient's dot products ({@link RowKernel#dots}: blocks of 4x4 and 2x4 rows,
   * single dots, a scalar tail) on both kernels against sums in double precision, added onto
   * what the result held: row counts 1-13 reach every block and leftover, lengths up to 40
   * vectors on any width.
   */
  @Test
  void dotProductsEqualTheSumsOnBothKernels() {
    Random rnd = new Random(43);
    for (RowKernel kernel : new RowKernel[] {VectorSupport.kernel(), VectorSupport.scalar()}) {
      for (int n = 0; n < 150; n++) {
        int rowsA = 1 + rnd.nextInt(13);
        int rowsB = 1 + rnd.nextInt(13);
        int len = rnd.nextInt(40 * 16 + 1);
        int aStride = len + rnd.nextInt(9);
        int bStride = len + rnd.nextInt(9);
        int cStride = rowsB + rnd.nextInt(4);
        int aOff = rnd.nextInt(5);
        int bOff = rnd.nextInt(5);
        int cOff = rnd.nextInt(5);
        float[] a = random(rnd, aOff + rowsA * aStride);
        float[] b = random(rnd, bOff + rowsB * bStride);
        float[] c = random(rnd, cOff + rowsA * cStride);
        float[] start = c.clone();
        kernel.dots(a, aOff, aStride, rowsA, b, bOff, bStride, rowsB, len, c, cOff, cStride);
        for (int i = 0; i < rowsA; i++) {
          for (int j = 0; j < rowsB; j++) {
            double sum = start[cOff + i * cStride + j];
            double size = Math.abs(sum);
            for (int t = 0; t < len; t++) {
              double p = (double) a[aOff + i * aStride + t] * b[bOff + j * bStride + t];
              sum += p;
              size += Math.abs(p);
            }
            assertEquals(sum, c[cOff + i * cStride + j], 1e-6 * (1 + size), kernel + " case "
                + n + ": " + rowsA + "x" + rowsB + " over " + len + ", element " + i + "," + j);
          }
        }
        for (int i = 0; i < rowsA; i++) {
          for (int j = rowsB; j < cStride && cOff + i * cStride + j < c.length; j++) {
            assertEquals(start[cOff + i * cStride + j], c[cOff + i * cStride + j],
                "past the row's end untouched");
          }
        }
      }
    }
  }
  /**
   * The GEMM (blocks of 8 rows by 3 vectors on 512-bit vectors, 4 by 3, single vectors, a scalar
   * tail) against the scalar kernel bit for bit: both sum the channels in order with fused
   * multiply-adds. Row counts up to 27 reach every block and leftover.
   */
  @Test
  void simdGemmEqualsScalarBitForBit() {
    RowKernel simd = VectorSupport.kernel();
    RowKernel scalar = VectorSupport.scalar();
    Random rnd = new Random(47);
    for (int n = 0; n < 150; n++) {
      int rows = 1 + rnd.nextInt(27);
      int channels = 1 + rnd.nextInt(n % 3 == 0 ? 300 : 20);
      int len = 1 + rnd.nextInt(7 * 16 + 20);
      int xStride = len + rnd.nextInt(5);
      int zStride = len + rnd.nextInt(5);
      int wOff = rnd.nextInt(4);
      int xOff = rnd.nextInt(4);
      float[] wT = random(rnd, wOff + channels * rows);
      float[] x = random(rnd, xOff + channels * xStride);
      float[] want = random(rnd, 3 + rows * zStride);
      float[] got = want.clone();
      scalar.gemm(wT, wOff, rows, x, xOff, xStride, channels, want, 3, zStride, len);
      simd.gemm(wT, wOff, rows, x, xOff, xStride, channels, got, 3, zStride, len);
      assertArrayEquals(want, got, "case " + n + ": rows " + rows + ", channels " + channels
          + ", len " + len + " (" + VectorSupport.description() + ")");
    }
  }
}
