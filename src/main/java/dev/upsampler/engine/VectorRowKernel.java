package dev.upsampler.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD kernel over the JDK Vector API (incubating). Loaded only through {@link
 * VectorSupport} when {@code jdk.incubator.vector} is in the boot layer; never referenced
 * directly elsewhere.
 *
 * <p>Accumulators live in one flat tap loop (JDK 17 boxes vectors kept across nested loops), four
 * vectors at a time so that each weight vector is loaded once per four FMAs.
 */
final class VectorRowKernel implements RowKernel {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  @Override
  public void taps(float[] src, int[] srcOff, float[] w, int[] wOff, int taps, int period,
      float bias, float[] dst, int dstOff, int len) {
    int j = 0;
    if (L % period == 0) { // every vector starts at phase 0: one weight vector per tap
      for (; j + 4 * L <= len; j += 4 * L) {
        taps4Uniform(src, srcOff, w, wOff, taps, bias, dst, dstOff, j);
      }
    } else {
      for (; j + 4 * L <= len; j += 4 * L) {
        taps4(src, srcOff, w, wOff, taps, period, bias, dst, dstOff, j);
      }
    }
    for (; j + L <= len; j += L) {
      int p = j % period;
      FloatVector acc = FloatVector.broadcast(S, bias);
      for (int t = 0; t < taps; t++) {
        acc = FloatVector.fromArray(S, src, srcOff[t] + j)
            .fma(FloatVector.fromArray(S, w, wOff[t] + p), acc);
      }
      acc.intoArray(dst, dstOff + j);
    }
    ScalarRowKernel.tapsRange(src, srcOff, w, wOff, taps, period, bias, dst, dstOff, j, len);
  }

  /** Four vectors sharing one weight vector per tap (the period divides the vector length). */
  private static void taps4Uniform(float[] src, int[] srcOff, float[] w, int[] wOff, int taps,
      float bias, float[] dst, int dstOff, int j) {
    FloatVector a0 = FloatVector.broadcast(S, bias);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int t = 0; t < taps; t++) {
      int s = srcOff[t] + j;
      FloatVector wv = FloatVector.fromArray(S, w, wOff[t]);
      a0 = FloatVector.fromArray(S, src, s).fma(wv, a0);
      a1 = FloatVector.fromArray(S, src, s + L).fma(wv, a1);
      a2 = FloatVector.fromArray(S, src, s + 2 * L).fma(wv, a2);
      a3 = FloatVector.fromArray(S, src, s + 3 * L).fma(wv, a3);
    }
    a0.intoArray(dst, dstOff + j);
    a1.intoArray(dst, dstOff + j + L);
    a2.intoArray(dst, dstOff + j + 2 * L);
    a3.intoArray(dst, dstOff + j + 3 * L);
  }

  private static void taps4(float[] src, int[] srcOff, float[] w, int[] wOff, int taps,
      int period, float bias, float[] dst, int dstOff, int j) {
    int p0 = j % period;
    int p1 = (j + L) % period;
    int p2 = (j + 2 * L) % period;
    int p3 = (j + 3 * L) % period;
    FloatVector a0 = FloatVector.broadcast(S, bias);
    FloatVector a1 = a0;
    FloatVector a2 = a0;
    FloatVector a3 = a0;
    for (int t = 0; t < taps; t++) {
      int s = srcOff[t] + j;
      int wo = wOff[t];
      a0 = FloatVector.fromArray(S, src, s).fma(FloatVector.fromArray(S, w, wo + p0), a0);
      a1 = FloatVector.fromArray(S, src, s + L).fma(FloatVector.fromArray(S, w, wo + p1), a1);
      a2 = FloatVector.fromArray(S, src, s + 2 * L)
          .fma(FloatVector.fromArray(S, w, wo + p2), a2);
      a3 = FloatVector.fromArray(S, src, s + 3 * L)
          .fma(FloatVector.fromArray(S, w, wo + p3), a3);
    }
    a0.intoArray(dst, dstOff + j);
    a1.intoArray(dst, dstOff + j + L);
    a2.intoArray(dst, dstOff + j + 2 * L);
    a3.intoArray(dst, dstOff + j + 3 * L);
  }

  /** Register block: 4 rows of weights times 3 vectors of pixels, 12 accumulators. */
  @Override
  public void gemm(float[] wT, int wOff, int rows, float[] x, int xOff, int xStride,
      int channels, float[] z, int zOff, int zStride, int len) {
    int jEnd = len - len % (3 * L);
    int rEnd = rows - rows % 4;
    for (int r = 0; r < rEnd; r += 4) {
      for (int j = 0; j < jEnd; j += 3 * L) {
        gemm4x3(wT, wOff + r, rows, x, xOff + j, xStride, channels, z,
            zOff + r * zStride + j, zStride);
      }
    }
    int jVec = len - len % L;
    for (int r = 0; r < rows; r++) {
      int j = r < rEnd ? jEnd : 0;
      for (; j < jVec; j += L) {
        FloatVector acc = FloatVector.zero(S);
        for (int c = 0; c < channels; c++) {
          acc = FloatVector.fromArray(S, x, xOff + c * xStride + j)
              .fma(FloatVector.broadcast(S, wT[wOff + c * rows + r]), acc);
        }
        acc.intoArray(z, zOff + r * zStride + j);
      }
    }
    ScalarRowKernel.gemmRange(wT, wOff, rows, 0, rows, x, xOff, xStride, channels, z, zOff,
        zStride, jVec, len);
  }

  private static void gemm4x3(float[] wT, int w0, int rows, float[] x, int x0, int xStride,
      int channels, float[] z, int z0, int zStride) {
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = a00;
    FloatVector a02 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a12 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a22 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    FloatVector a32 = a00;
    for (int c = 0; c < channels; c++) {
      int xi = x0 + c * xStride;
      FloatVector x0v = FloatVector.fromArray(S, x, xi);
      FloatVector x1v = FloatVector.fromArray(S, x, xi + L);
      FloatVector x2v = FloatVector.fromArray(S, x, xi + 2 * L);
      int wi = w0 + c * rows;
      FloatVector w = FloatVector.broadcast(S, wT[wi]);
      a00 = x0v.fma(w, a00);
      a01 = x1v.fma(w, a01);
      a02 = x2v.fma(w, a02);
      w = FloatVector.broadcast(S, wT[wi + 1]);
      a10 = x0v.fma(w, a10);
      a11 = x1v.fma(w, a11);
      a12 = x2v.fma(w, a12);
      w = FloatVector.broadcast(S, wT[wi + 2]);
      a20 = x0v.fma(w, a20);
      a21 = x1v.fma(w, a21);
      a22 = x2v.fma(w, a22);
      w = FloatVector.broadcast(S, wT[wi + 3]);
      a30 = x0v.fma(w, a30);
      a31 = x1v.fma(w, a31);
      a32 = x2v.fma(w, a32);
    }
    a00.intoArray(z, z0);
    a01.intoArray(z, z0 + L);
    a02.intoArray(z, z0 + 2 * L);
    a10.intoArray(z, z0 + zStride);
    a11.intoArray(z, z0 + zStride + L);
    a12.intoArray(z, z0 + zStride + 2 * L);
    a20.intoArray(z, z0 + 2 * zStride);
    a21.intoArray(z, z0 + 2 * zStride + L);
    a22.intoArray(z, z0 + 2 * zStride + 2 * L);
    a30.intoArray(z, z0 + 3 * zStride);
    a31.intoArray(z, z0 + 3 * zStride + L);
    a32.intoArray(z, z0 + 3 * zStride + 2 * L);
  }

  /**
   * Scalar: the Vector API's float-to-byte conversions are not intrinsified on JDK 17 (they fell
   * back to per-lane Java code, 1.5x slower than this loop).
   */
  @Override
  public void storeU8(float[] src, int srcOff, byte[] dst, int dstOff, int dstStride, int len) {
    ScalarRowKernel.INSTANCE.storeU8(src, srcOff, dst, dstOff, dstStride, len);
  }

  @Override
  public int lanes() {
    return L;
  }

  @Override
  public String description() {
    return "SIMD (Vector API, " + S.vectorBitSize() + "-bit, " + L + " floats)";
  }
}
