package dev.upsampler.engine;

/** The portable kernel: plain loops, {@link Math#fma} in the same order as the SIMD kernel. */
final class ScalarRowKernel implements RowKernel {
  static final ScalarRowKernel INSTANCE = new ScalarRowKernel();

  @Override
  public void taps(float[] src, int[] srcOff, float[] w, int[] wOff, int taps, int period,
      float bias, float[] dst, int dstOff, int len) {
    tapsRange(src, srcOff, w, wOff, taps, period, bias, dst, dstOff, 0, len);
  }

  /** The same sum for elements {@code [from, to)}: also the SIMD kernel's tail. */
  static void tapsRange(float[] src, int[] srcOff, float[] w, int[] wOff, int taps, int period,
      float bias, float[] dst, int dstOff, int from, int to) {
    for (int j = from; j < to; j++) {
      int phase = j % period;
      float acc = bias;
      for (int t = 0; t < taps; t++) {
        acc = Math.fma(src[srcOff[t] + j], w[wOff[t] + phase], acc);
      }
      dst[dstOff + j] = acc;
    }
  }

  @Override
  public void gemm(float[] wT, int wOff, int rows, float[] x, int xOff, int xStride,
      int channels, float[] z, int zOff, int zStride, int len) {
    gemmRange(wT, wOff, rows, 0, rows, x, xOff, xStride, channels, z, zOff, zStride, 0, len);
  }

  @Override
  public void conv(float[] w, int rows, float[] x, int xOff, int[] tapOff, int taps,
      float[] bias, float[] slopes, float[] z, int zOff, int zStride, int len) {
    convRange(w, rows, 0, rows, x, xOff, tapOff, taps, bias, slopes, z, zOff, zStride, 0, len);
  }

  /** Rows [r0, r1) and elements [j0, j1) of {@link #conv}: also the SIMD kernel's edges. */
  static void convRange(float[] w, int rows, int r0, int r1, float[] x, int xOff, int[] tapOff,
      int taps, float[] bias, float[] slopes, float[] z, int zOff, int zStride, int j0, int j1) {
    for (int r = r0; r < r1; r++) {
      float b = bias[r];
      for (int j = j0; j < j1; j++) {
        float acc = 0f;
        for (int t = 0; t < taps; t++) {
          acc = Math.fma(w[t * rows + r], x[xOff + tapOff[t] + j], acc);
        }
        z[zOff + r * zStride + j] = activate(acc + b, slopes, r);
      }
    }
  }

  @Override
  public void winogradInput(float[] x, int xOff, int xStride, float[] u, int uOff, int uStride,
      int len) {
    winogradInputRange(x, xOff, xStride, u, uOff, uStride, 0, len);
  }

  /**
   * The input transform over j in [j0, j1): also the SIMD kernel's short rows. Grouped as
   * {@code u1 = fma(-4, d1 + d2, d3 + d4)} and so on, the SIMD kernel's exact operations.
   */
  static void winogradInputRange(float[] x, int xOff, int xStride, float[] u, int uOff,
      int uStride, int j0, int j1) {
    for (int j = j0; j < j1; j++) {
      int i = xOff + j;
      float d1 = x[i + xStride];
      float d2 = x[i + 2 * xStride];
      float d3 = x[i + 3 * xStride];
      float d4 = x[i + 4 * xStride];
      float d42 = d4 - d2;
      float d31 = d3 - d1;
      int o = uOff + j;
      u[o] = Math.fma(4f, x[i], Math.fma(-5f, d2, d4));
      u[o + uStride] = Math.fma(-4f, d1 + d2, d3 + d4);
      u[o + 2 * uStride] = Math.fma(4f, d1 - d2, d4 - d3);
      u[o + 3 * uStride] = Math.fma(2f, d31, d42);
      u[o + 4 * uStride] = Math.fma(-2f, d31, d42);
      u[o + 5 * uStride] = Math.fma(4f, d1, Math.fma(-5f, d3, x[i + 5 * xStride]));
    }
  }

  @Override
  public void winogradOutput(float[] m, int mOff, int mStride, float bias, float[] slopes,
      int row, float[] z, int zOff, int zStride, int rows, int len) {
    winogradOutputRange(m, mOff, mStride, bias, slopes, row, z, zOff, zStride, rows, 0, len);
  }

  /**
   * The output transform over j in [j0, j1): also the SIMD kernel's short rows and last
   * groups, with its exact operations ({@code y1 = fma(2, m3 - m4, m1 - m2)}, PReLU as {@code
   * fma(a, min(v, 0), max(v, 0))}: the same bits as {@link #activate}, as one term is zero).
   */
  static void winogradOutputRange(float[] m, int mOff, int mStride, float bias, float[] slopes,
      int row, float[] z, int zOff, int zStride, int rows, int j0, int j1) {
    float a = slopes == null ? 1f : slopes[row];
    for (int j = j0; j < j1; j++) {
      int i = mOff + j;
      float m1 = m[i + mStride];
      float m2 = m[i + 2 * mStride];
      float m3 = m[i + 3 * mStride];
      float m4 = m[i + 4 * mStride];
      float s12 = m1 + m2;
      float d12 = m1 - m2;
      float s34 = m3 + m4;
      float d34 = m3 - m4;
      int o = zOff + j;
      z[o] = prelu(m[i] + s12 + s34 + bias, a);
      if (rows > 1) {
        z[o + zStride] = prelu(Math.fma(2f, d34, d12) + bias, a);
      }
      if (rows > 2) {
        z[o + 2 * zStride] = prelu(Math.fma(4f, s34, s12) + bias, a);
      }
      if (rows > 3) {
        z[o + 3 * zStride] = prelu(Math.fma(8f, d34, d12) + m[i + 5 * mStride] + bias, a);
      }
    }
  }

  private static float prelu(float v, float a) {
    return Math.fma(a, Math.min(v, 0f), Math.max(v, 0f));
  }

  /** PReLU as {@code max(v, 0) + a * min(v, 0)}: the form the SIMD kernel computes. */
  static float activate(float v, float[] slopes, int r) {
    return slopes == null ? v : Math.max(v, 0f) + slopes[r] * Math.min(v, 0f);
  }

  @Override
  public void dots(float[] a, int aOff, int aStride, int rowsA, float[] b, int bOff,
      int bStride, int rowsB, int len, float[] c, int cOff, int cStride) {
    dotsRange(a, aOff, aStride, rowsA, b, bOff, bStride, rowsB, 0, len, c, cOff, cStride);
  }

  /** The dot products over {@code t} in [t0, t1): also the SIMD kernel's tail. */
  static void dotsRange(float[] a, int aOff, int aStride, int rowsA, float[] b, int bOff,
      int bStride, int rowsB, int t0, int t1, float[] c, int cOff, int cStride) {
    for (int i = 0; i < rowsA; i++) {
      for (int j = 0; j < rowsB; j++) {
        float acc = 0f;
        int ai = aOff + i * aStride;
        int bj = bOff + j * bStride;
        for (int t = t0; t < t1; t++) {
          acc = Math.fma(a[ai + t], b[bj + t], acc);
        }
        c[cOff + i * cStride + j] += acc;
      }
    }
  }

  /** Rows [r0, r1) and columns [j0, j1) of the GEMM: also the SIMD kernel's edges. */
  static void gemmRange(float[] wT, int wOff, int rows, int r0, int r1, float[] x, int xOff,
      int xStride, int channels, float[] z, int zOff, int zStride, int j0, int j1) {
    for (int r = r0; r < r1; r++) {
      for (int j = j0; j < j1; j++) {
        float acc = 0f;
        for (int c = 0; c < channels; c++) {
          acc = Math.fma(wT[wOff + c * rows + r], x[xOff + c * xStride + j], acc);
        }
        z[zOff + r * zStride + j] = acc;
      }
    }
  }

  /**
   * JDK 25's C2 vectorises a float clamp followed by the cast (about 4x faster than the integer
   * clamp here); JDK 17's does not, and there the integer clamp is 3-5x faster than float
   * min/max. Both compute {@link RowKernel#toU8} exactly: {@code (int)} truncates {@code v + 0.5}
   * in [0, 255.9] to its floor, and sends NaN to 0.
   */
  private static final boolean FLOAT_CLAMP_VECTORISES = Runtime.version().feature() >= 25;

  @Override
  public void storeU8(float[] src, int srcOff, byte[] dst, int dstOff, int dstStride, int len) {
    if (dstStride == 1 && FLOAT_CLAMP_VECTORISES) {
      for (int j = 0; j < len; j++) {
        dst[dstOff + j] = (byte) (int) Math.min(Math.max(src[srcOff + j] + 0.5f, 0f), 255.9f);
      }
      return;
    }
    for (int j = 0; j < len; j++) {
      dst[dstOff + j * dstStride] = (byte) RowKernel.toU8(src[srcOff + j]);
    }
  }

  @Override
  public int lanes() {
    return 1;
  }

  @Override
  public String description() {
    return "scalar (no jdk.incubator.vector module at run time)";
  }
}
