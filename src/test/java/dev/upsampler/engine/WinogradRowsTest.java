package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Winograd F(4,3) down the columns ({@link WinogradRows}) against the 3x3 convolution summed
 * directly in double precision, over seeded random shapes: every height modulo 4 (a last group
 * of 1 to 4 rows, a last band shorter than the others, heights of 1), widths shorter than one
 * vector, borders of 1 to 3, channel counts that are not multiples of a register block, PReLU
 * or none; and its transforms on the SIMD kernel against the scalar one, bit for bit.
 */
class WinogradRowsTest {

  @Test
  void equalsTheDirectConvolutionOnEveryShape() {
    Random rnd = new Random(47);
    for (RowKernel kernel : new RowKernel[] {VectorSupport.kernel(), VectorSupport.scalar()}) {
      WinogradRows.Scratch scratch = new WinogradRows.Scratch(); // reused: stale bands
      for (int n = 0; n < 40; n++) {
        int in = 8 + rnd.nextInt(33);
        int out = 8 + rnd.nextInt(33);
        int h = n % 10 == 0 ? 1 + rnd.nextInt(4)
            : 1 + rnd.nextInt(WinogradRows.ROWS * WinogradRows.BAND * 3);
        int w = 1 + rnd.nextInt(n % 4 == 0 ? 12 : 60);
        int pad = 1 + rnd.nextInt(3);
        float[] params = gaussian(rnd, NetworkLayer.Conv2d.weightCount(in, out, 3) + out);
        NetworkLayer.Conv2d conv = new NetworkLayer.Conv2d(in, out, 3, params);
        float[] bias = new float[out];
        System.arraycopy(params, NetworkLayer.Conv2d.weightCount(in, out, 3), bias, 0, out);
        float[] slopes = rnd.nextBoolean() ? gaussian(rnd, out) : null;
        int rowLength = w + 2 * pad;
        int plane = (h + 2 * pad + WinogradRows.ROWS_BELOW) * rowLength;
        float[] x = new float[in * plane];
        for (int c = 0; c < in; c++) {
          for (int y = 0; y < h; y++) {
            for (int i = 0; i < w; i++) {
              x[c * plane + (pad + y) * rowLength + pad + i] = (float) rnd.nextGaussian();
            }
          }
        }
        float[] z = new float[out * plane];
        java.util.Arrays.fill(z, Float.NaN);
        WinogradRows.run(kernel, WinogradRows.weights(conv), bias, slopes, in, out, x, z, h, w,
            pad, rowLength, scratch);
        String what = "case " + n + ": " + in + " -> " + out + ", " + h + "x" + w + ", pad "
            + pad + ", " + kernel.description();
        for (int o = 0; o < out; o++) {
          for (int y = -pad; y < h + pad + WinogradRows.ROWS_BELOW; y++) {
            for (int i = -pad; i < w + pad; i++) {
              float got = z[o * plane + (pad + y) * rowLength + pad + i];
              if (y < 0 || y >= h || i < 0 || i >= w) {
                assertTrue(Float.isNaN(got), what + ": border (" + y + ", " + i + ") written");
                continue;
              }
              double sum = bias[o];
              double magnitude = Math.abs(bias[o]);
              for (int c = 0; c < in; c++) {
                for (int ky = 0; ky < 3; ky++) {
                  for (int kx = 0; kx < 3; kx++) {
                    int yy = y + ky - 1;
                    int xx = i + kx - 1;
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                      continue;
                    }
                    double term = params[((o * in + c) * 3 + ky) * 3 + kx]
                        * (double) x[c * plane + (pad + yy) * rowLength + pad + xx];
                    sum += term;
                    magnitude += Math.abs(term);
                  }
                }
              }
              double want = slopes == null || sum >= 0 ? sum : slopes[o] * sum;
              double slope = slopes == null ? 1 : Math.max(1, Math.abs(slopes[o]));
              assertEquals(want, got, 1e-5 * slope * magnitude + 1e-6,
                  what + ": output " + o + " at (" + y + ", " + i + ")");
            }
          }
        }
      }
    }
  }

  @Test
  void simdTransformsEqualScalarBitForBit() {
    RowKernel simd = VectorSupport.kernel();
    RowKernel scalar = VectorSupport.scalar();
    Random rnd = new Random(53);
    for (int n = 0; n < 200; n++) {
      int len = 1 + rnd.nextInt(7 * 16 + 20);
      int stride = len + rnd.nextInt(9);
      int planes = WinogradRows.PLANES;
      float[] src = gaussian(rnd, 5 + planes * stride);
      float[] want = new float[7 + planes * stride];
      float[] got = new float[want.length];
      String what = "case " + n + ": len " + len + " (" + simd.description() + ")";
      scalar.winogradInput(src, 5, stride, want, 7, stride, len);
      simd.winogradInput(src, 5, stride, got, 7, stride, len);
      assertArrayEquals(want, got, "input transform, " + what);
      float[] slopes = rnd.nextBoolean() ? gaussian(rnd, 3) : null;
      float bias = (float) rnd.nextGaussian();
      int rows = 1 + rnd.nextInt(WinogradRows.ROWS);
      java.util.Arrays.fill(want, 0f);
      java.util.Arrays.fill(got, 0f);
      scalar.winogradOutput(src, 5, stride, bias, slopes, 2, want, 7, stride, rows, len);
      simd.winogradOutput(src, 5, stride, bias, slopes, 2, got, 7, stride, rows, len);
      assertArrayEquals(want, got, "output transform of " + rows + " rows, " + what);
    }
  }

  private static float[] gaussian(Random rnd, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) rnd.nextGaussian();
    }
    return f;
  }
}
