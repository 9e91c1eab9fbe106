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

  @Override
  public void storeU8(float[] src, int srcOff, byte[] dst, int dstOff, int dstStride, int len) {
    // The conversion is cheap next to the taps; C2 vectorises the contiguous case of this loop.
    if (dstStride == 1) {
      for (int j = 0; j < len; j++) {
        dst[dstOff + j] = (byte) RowKernel.toU8(src[srcOff + j]);
      }
    } else {
      ScalarRowKernel.INSTANCE.storeU8(src, srcOff, dst, dstOff, dstStride, len);
    }
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
