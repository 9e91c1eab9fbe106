package dev.upsampler.engine;

/**
 * The innermost loops of the fast engine, on contiguous float rows. Two implementations exist: a
 * scalar one that is always there, and a SIMD one over the JDK Vector API chosen at run time by
 * {@link VectorSupport}. Both perform the same {@code fma} operations in the same order, so their
 * results are bit-identical.
 */
interface RowKernel {

  /**
   * A weighted sum of shifted source rows with a periodic per-element weight pattern:
   *
   * <pre>
   *   for j in [0, len):
   *     acc = bias
   *     for t in [0, taps): acc = fma(src[srcOff[t] + j], w[wOff[t] + j % period], acc)
   *     dst[dstOff + j] = acc
   * </pre>
   *
   * Each weight row {@code w[wOff[t] ...]} must hold {@code period + lanes() - 1} values (the
   * pattern repeated), so that any vector starting inside the period can be loaded whole.
   */
  void taps(float[] src, int[] srcOff, float[] w, int[] wOff, int taps, int period,
      float bias, float[] dst, int dstOff, int len);

  /**
   * Stores floats as 8-bit values: clamp to [0, 255], then round half up ({@code floor(v + 0.5)});
   * NaN becomes 0. {@code dst[dstOff + j * dstStride] = u8(src[srcOff + j])}.
   */
  void storeU8(float[] src, int srcOff, byte[] dst, int dstOff, int dstStride, int len);

  /**
   * The GEMM of the many-channel path: for r in [0, rows), j in [0, len):
   *
   * <pre>
   *   acc = 0; for c in [0, channels): acc = fma(wT[wOff + c*rows + r], x[xOff + c*xStride + j], acc)
   *   z[zOff + r*zStride + j] = acc
   * </pre>
   */
  void gemm(float[] wT, int wOff, int rows, float[] x, int xOff, int xStride, int channels,
      float[] z, int zOff, int zStride, int len);

  /**
   * Direct convolution on flat planes: one long sum of shifted copies of the input per output
   * row, with bias and an optional PReLU in the store. For r in [0, rows), j in [0, len):
   *
   * <pre>
   *   acc = 0; for t in [0, taps): acc = fma(w[t*rows + r], x[xOff + tapOff[t] + j], acc)
   *   v = acc + bias[r]
   *   if slopes != null: v = max(v, 0) + slopes[r] * min(v, 0)
   *   z[zOff + r*zStride + j] = v
   * </pre>
   *
   * The sum runs over the taps in order, as {@link #gemm} runs over its channels, so a
   * convolution computed either way gives the same bits.
   */
  void conv(float[] w, int rows, float[] x, int xOff, int[] tapOff, int taps, float[] bias,
      float[] slopes, float[] z, int zOff, int zStride, int len);

  /**
   * The input transform of {@link WinogradRows} for one group of four output rows: for j in [0,
   * len), with {@code di = x[xOff + i*xStride + j]} (six rows), {@code u[uOff + k*uStride + j]}
   * for k in [0, 6):
   *
   * <pre>
   *   u0 = 4 d0 - 5 d2 + d4          u1 = -4 d1 - 4 d2 + d3 + d4     u2 = 4 d1 - 4 d2 - d3 + d4
   *   u3 = -2 d1 - d2 + 2 d3 + d4    u4 = 2 d1 - d2 - 2 d3 + d4      u5 = 4 d1 - 5 d3 + d5
   * </pre>
   */
  void winogradInput(float[] x, int xOff, int xStride, float[] u, int uOff, int uStride,
      int len);

  /**
   * The output transform of {@link WinogradRows}: for j in [0, len), with {@code mi = m[mOff +
   * i*mStride + j]} (six products),
   *
   * <pre>
   *   y0 = m0 + m1 + m2 + m3 + m4      y1 = m1 - m2 + 2 m3 - 2 m4
   *   y2 = m1 + m2 + 4 m3 + 4 m4       y3 = m1 - m2 + 8 m3 - 8 m4 + m5
   * </pre>
   *
   * each plus {@code bias}, through the PReLU of {@link #conv} with slope {@code slopes[row]}
   * (slope 1 if {@code slopes} is null: the identity, but for -0 becoming +0), the first {@code
   * rows} of them (1 to 4) stored at {@code z[zOff + i*zStride + j]}.
   */
  void winogradOutput(float[] m, int mOff, int mStride, float bias, float[] slopes, int row,
      float[] z, int zOff, int zStride, int rows, int len);

  /**
   * Dot products of row pairs, added to {@code c}: for i in [0, rowsA), j in [0, rowsB):
   *
   * <pre>
   *   c[cOff + i*cStride + j] += sum over t in [0, len) of a[aOff + i*aStride + t] * b[bOff + j*bStride + t]
   * </pre>
   *
   * The weights' gradient of a convolution (a reduction over pixels). Lanes hold partial sums
   * that are added at the end, so the order of the additions differs from the scalar kernel's.
   */
  void dots(float[] a, int aOff, int aStride, int rowsA, float[] b, int bOff, int bStride,
      int rowsB, int len, float[] c, int cOff, int cStride);

  /** Floats per vector (1 for the scalar kernel). */
  int lanes();

  /** A one-line description for logs, e.g. "SIMD (Vector API, 512-bit, 16 floats)". */
  String description();

  /**
   * The documented 8-bit rounding: clamp to [0, 255], round half up, NaN to 0. Computed as
   * {@code clamp((int) (v + 0.5f), 0, 255)}: Java's cast truncates toward zero, sends NaN to 0
   * and saturates infinities, so this equals {@code floor(clamp(v, 0, 255) + 0.5)} for every
   * float, with integer clamps (branch-free) instead of float min/max.
   */
  static int toU8(float v) {
    int i = (int) (v + 0.5f);
    return i < 0 ? 0 : Math.min(i, 255);
  }
}
