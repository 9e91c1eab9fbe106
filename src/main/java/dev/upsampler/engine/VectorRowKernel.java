package dev.upsampler.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
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
  /** A static final species is a constant to C2, which then keeps vectors in registers. */
  private static final VectorSpecies<Float> S = species(VectorSupport.requestedBits());
  private static final int L = S.length();
  /**
   * Eight-row convolution blocks: on 512-bit vectors, where the CPU has 32 vector registers
   * (AVX-512); 256-bit code keeps four-row blocks (AVX2 has 16).
   */
  static final boolean WIDE_BLOCKS = S.vectorBitSize() >= 512
      && !Boolean.getBoolean("upsampler.conv.narrow");

  /**
   * The widest species the CPU has ({@code FloatVector.SPECIES_PREFERRED}), capped at {@code
   * bits}: a width the CPU lacks would run as slow per-lane Java code.
   */
  static VectorSpecies<Float> species(int bits) {
    int max = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    return VectorSpecies.of(float.class, VectorShape.forBitSize(Math.min(bits, max)));
  }

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
    int r8End = WIDE_BLOCKS ? rows - rows % 8 : 0;
    int rEnd = rows - (rows - r8End) % 4;
    // Column strips outside: a strip of x (3 vectors by the channels) is read by every block of
    // rows while it is near, not streamed from L2 again for each.
    for (int j = 0; j < jEnd; j += 3 * L) {
      int r = 0;
      for (; r < r8End; r += 8) {
        gemm8x3(wT, wOff + r, rows, x, xOff + j, xStride, channels, z,
            zOff + r * zStride + j, zStride);
      }
      for (; r < rEnd; r += 4) {
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

  /**
   * Eight rows by three vectors (with 32 vector registers): each loaded vector of {@code x}
   * feeds 8 FMAs, twice the 4x3 block's, which streams the columns from L2 twice as often.
   * Each sum runs over the channels in order, so the result equals the 4x3 block's bit for bit.
   */
  private static void gemm8x3(float[] wT, int w0, int rows, float[] x, int x0, int xStride,
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
    FloatVector a40 = a00;
    FloatVector a41 = a00;
    FloatVector a42 = a00;
    FloatVector a50 = a00;
    FloatVector a51 = a00;
    FloatVector a52 = a00;
    FloatVector a60 = a00;
    FloatVector a61 = a00;
    FloatVector a62 = a00;
    FloatVector a70 = a00;
    FloatVector a71 = a00;
    FloatVector a72 = a00;
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
      w = FloatVector.broadcast(S, wT[wi + 4]);
      a40 = x0v.fma(w, a40);
      a41 = x1v.fma(w, a41);
      a42 = x2v.fma(w, a42);
      w = FloatVector.broadcast(S, wT[wi + 5]);
      a50 = x0v.fma(w, a50);
      a51 = x1v.fma(w, a51);
      a52 = x2v.fma(w, a52);
      w = FloatVector.broadcast(S, wT[wi + 6]);
      a60 = x0v.fma(w, a60);
      a61 = x1v.fma(w, a61);
      a62 = x2v.fma(w, a62);
      w = FloatVector.broadcast(S, wT[wi + 7]);
      a70 = x0v.fma(w, a70);
      a71 = x1v.fma(w, a71);
      a72 = x2v.fma(w, a72);
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
    a40.intoArray(z, z0 + 4 * zStride);
    a41.intoArray(z, z0 + 4 * zStride + L);
    a42.intoArray(z, z0 + 4 * zStride + 2 * L);
    a50.intoArray(z, z0 + 5 * zStride);
    a51.intoArray(z, z0 + 5 * zStride + L);
    a52.intoArray(z, z0 + 5 * zStride + 2 * L);
    a60.intoArray(z, z0 + 6 * zStride);
    a61.intoArray(z, z0 + 6 * zStride + L);
    a62.intoArray(z, z0 + 6 * zStride + 2 * L);
    a70.intoArray(z, z0 + 7 * zStride);
    a71.intoArray(z, z0 + 7 * zStride + L);
    a72.intoArray(z, z0 + 7 * zStride + 2 * L);
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

  @Override
  public void conv(float[] w, int rows, float[] x, int xOff, int[] tapOff, int taps,
      float[] bias, float[] slopes, float[] z, int zOff, int zStride, int len) {
    int jEnd = len - len % (3 * L);
    int r8End = WIDE_BLOCKS ? rows - rows % 8 : 0;
    int rEnd = rows - (rows - r8End) % 4;
    for (int j = 0; j < jEnd; j += 3 * L) {
      int r = 0;
      for (; r < r8End; r += 8) {
        conv8x3(w, rows, r, x, xOff + j, tapOff, taps, bias, slopes, z, zOff + j, zStride);
      }
      for (; r < rEnd; r += 4) {
        conv4x3(w, rows, r, x, xOff + j, tapOff, taps, bias, slopes, z, zOff + j, zStride);
      }
    }
    int jVec = len - len % L;
    for (int r = 0; r < rows; r++) {
      int j = r < rEnd ? jEnd : 0;
      for (; j < jVec; j += L) {
        FloatVector acc = FloatVector.zero(S);
        for (int t = 0; t < taps; t++) {
          acc = FloatVector.fromArray(S, x, xOff + tapOff[t] + j)
              .fma(FloatVector.broadcast(S, w[t * rows + r]), acc);
        }
        acc.add(bias[r]).intoArray(z, zOff + r * zStride + j);
        if (slopes != null) {
          activate(z, zOff + r * zStride + j, 1, slopes[r]);
        }
      }
    }
    ScalarRowKernel.convRange(w, rows, 0, rows, x, xOff, tapOff, taps, bias, slopes, z, zOff,
        zStride, jVec, len);
  }

  /**
   * Eight output rows times three vectors, 24 accumulators: with 32 vector registers (AVX-512)
   * each input vector feeds eight FMAs, half the loads per FMA of {@link #conv4x3}. Used only
   * when {@link #WIDE_BLOCKS}: with 16 registers the accumulators would spill.
   */
  private static void conv8x3(float[] w, int rows, int r, float[] x, int x0, int[] tapOff,
      int taps, float[] bias, float[] slopes, float[] z, int z0, int zStride) {
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
    FloatVector a40 = a00;
    FloatVector a41 = a00;
    FloatVector a42 = a00;
    FloatVector a50 = a00;
    FloatVector a51 = a00;
    FloatVector a52 = a00;
    FloatVector a60 = a00;
    FloatVector a61 = a00;
    FloatVector a62 = a00;
    FloatVector a70 = a00;
    FloatVector a71 = a00;
    FloatVector a72 = a00;
    for (int t = 0; t < taps; t++) {
      int xi = x0 + tapOff[t];
      FloatVector x0v = FloatVector.fromArray(S, x, xi);
      FloatVector x1v = FloatVector.fromArray(S, x, xi + L);
      FloatVector x2v = FloatVector.fromArray(S, x, xi + 2 * L);
      int wi = t * rows + r;
      FloatVector wv0 = FloatVector.broadcast(S, w[wi]);
      a00 = x0v.fma(wv0, a00);
      a01 = x1v.fma(wv0, a01);
      a02 = x2v.fma(wv0, a02);
      FloatVector wv1 = FloatVector.broadcast(S, w[wi + 1]);
      a10 = x0v.fma(wv1, a10);
      a11 = x1v.fma(wv1, a11);
      a12 = x2v.fma(wv1, a12);
      FloatVector wv2 = FloatVector.broadcast(S, w[wi + 2]);
      a20 = x0v.fma(wv2, a20);
      a21 = x1v.fma(wv2, a21);
      a22 = x2v.fma(wv2, a22);
      FloatVector wv3 = FloatVector.broadcast(S, w[wi + 3]);
      a30 = x0v.fma(wv3, a30);
      a31 = x1v.fma(wv3, a31);
      a32 = x2v.fma(wv3, a32);
      FloatVector wv4 = FloatVector.broadcast(S, w[wi + 4]);
      a40 = x0v.fma(wv4, a40);
      a41 = x1v.fma(wv4, a41);
      a42 = x2v.fma(wv4, a42);
      FloatVector wv5 = FloatVector.broadcast(S, w[wi + 5]);
      a50 = x0v.fma(wv5, a50);
      a51 = x1v.fma(wv5, a51);
      a52 = x2v.fma(wv5, a52);
      FloatVector wv6 = FloatVector.broadcast(S, w[wi + 6]);
      a60 = x0v.fma(wv6, a60);
      a61 = x1v.fma(wv6, a61);
      a62 = x2v.fma(wv6, a62);
      FloatVector wv7 = FloatVector.broadcast(S, w[wi + 7]);
      a70 = x0v.fma(wv7, a70);
      a71 = x1v.fma(wv7, a71);
      a72 = x2v.fma(wv7, a72);
    }
    int z1 = z0 + r * zStride;
    a00.intoArray(z, z1);
    a01.intoArray(z, z1 + L);
    a02.intoArray(z, z1 + 2 * L);
    a10.intoArray(z, z1 + zStride);
    a11.intoArray(z, z1 + zStride + L);
    a12.intoArray(z, z1 + zStride + 2 * L);
    a20.intoArray(z, z1 + 2 * zStride);
    a21.intoArray(z, z1 + 2 * zStride + L);
    a22.intoArray(z, z1 + 2 * zStride + 2 * L);
    a30.intoArray(z, z1 + 3 * zStride);
    a31.intoArray(z, z1 + 3 * zStride + L);
    a32.intoArray(z, z1 + 3 * zStride + 2 * L);
    a40.intoArray(z, z1 + 4 * zStride);
    a41.intoArray(z, z1 + 4 * zStride + L);
    a42.intoArray(z, z1 + 4 * zStride + 2 * L);
    a50.intoArray(z, z1 + 5 * zStride);
    a51.intoArray(z, z1 + 5 * zStride + L);
    a52.intoArray(z, z1 + 5 * zStride + 2 * L);
    a60.intoArray(z, z1 + 6 * zStride);
    a61.intoArray(z, z1 + 6 * zStride + L);
    a62.intoArray(z, z1 + 6 * zStride + 2 * L);
    a70.intoArray(z, z1 + 7 * zStride);
    a71.intoArray(z, z1 + 7 * zStride + L);
    a72.intoArray(z, z1 + 7 * zStride + 2 * L);
    finish(z, z1, zStride, 8, bias, r, slopes);
  }

  /**
   * Four output rows times three vectors, 12 accumulators over one flat tap loop (JDK 17 boxes
   * vectors kept across nested loops): each input vector feeds four FMAs, each weight three.
   */
  private static void conv4x3(float[] w, int rows, int r, float[] x, int x0, int[] tapOff,
      int taps, float[] bias, float[] slopes, float[] z, int z0, int zStride) {
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
    for (int t = 0; t < taps; t++) {
      int xi = x0 + tapOff[t];
      FloatVector x0v = FloatVector.fromArray(S, x, xi);
      FloatVector x1v = FloatVector.fromArray(S, x, xi + L);
      FloatVector x2v = FloatVector.fromArray(S, x, xi + 2 * L);
      int wi = t * rows + r;
      FloatVector wv = FloatVector.broadcast(S, w[wi]);
      a00 = x0v.fma(wv, a00);
      a01 = x1v.fma(wv, a01);
      a02 = x2v.fma(wv, a02);
      wv = FloatVector.broadcast(S, w[wi + 1]);
      a10 = x0v.fma(wv, a10);
      a11 = x1v.fma(wv, a11);
      a12 = x2v.fma(wv, a12);
      wv = FloatVector.broadcast(S, w[wi + 2]);
      a20 = x0v.fma(wv, a20);
      a21 = x1v.fma(wv, a21);
      a22 = x2v.fma(wv, a22);
      wv = FloatVector.broadcast(S, w[wi + 3]);
      a30 = x0v.fma(wv, a30);
      a31 = x1v.fma(wv, a31);
      a32 = x2v.fma(wv, a32);
    }
    int z1 = z0 + r * zStride;
    a00.intoArray(z, z1);
    a01.intoArray(z, z1 + L);
    a02.intoArray(z, z1 + 2 * L);
    a10.intoArray(z, z1 + zStride);
    a11.intoArray(z, z1 + zStride + L);
    a12.intoArray(z, z1 + zStride + 2 * L);
    a20.intoArray(z, z1 + 2 * zStride);
    a21.intoArray(z, z1 + 2 * zStride + L);
    a22.intoArray(z, z1 + 2 * zStride + 2 * L);
    a30.intoArray(z, z1 + 3 * zStride);
    a31.intoArray(z, z1 + 3 * zStride + L);
    a32.intoArray(z, z1 + 3 * zStride + 2 * L);
    finish(z, z1, zStride, 4, bias, r, slopes);
  }

  /**
   * Adds the bias to a block's {@code rows} rows of three stored sums and applies the PReLU:
   * the sums are stored raw first and read back from L1 here, because the blocks are at the
   * edge of what C2 inlines into one method. With the bias added in {@link #conv8x3} itself, a
   * compilation that met a new branch profile (a layer without PReLU) stopped inlining before
   * the stores and boxed every vector of them, 10 MB per network call (seen in {@code
   * SteadyStateAllocationTest}, one run in four). Same bits: {@code acc + bias} either way.
   */
  private static void finish(float[] z, int z1, int zStride, int rows, float[] bias, int r,
      float[] slopes) {
    FloatVector zero = FloatVector.zero(S);
    for (int i = 0; i < rows; i++) {
      float b = bias[r + i];
      int at = z1 + i * zStride;
      if (slopes == null) {
        for (int k = 0; k < 3; k++) {
          FloatVector.fromArray(S, z, at + k * L).add(b).intoArray(z, at + k * L);
        }
      } else { // as activate computes it
        float a = slopes[r + i];
        for (int k = 0; k < 3; k++) {
          FloatVector v = FloatVector.fromArray(S, z, at + k * L).add(b);
          v.max(zero).add(v.min(zero).mul(a)).intoArray(z, at + k * L);
        }
      }
    }
  }

  /**
   * PReLU in place on {@code vectors} vectors at {@code at}, as {@link
   * ScalarRowKernel#activate} computes it. Vectors are never passed to or returned from helper
   * methods: a call C2 declines to inline (its budget runs out in big kernels) boxes them.
   */
  private static void activate(float[] z, int at, int vectors, float slope) {
    FloatVector zero = FloatVector.zero(S);
    for (int k = 0; k < vectors; k++) {
      FloatVector v = FloatVector.fromArray(S, z, at + k * L);
      v.max(zero).add(v.min(zero).mul(slope)).intoArray(z, at + k * L);
    }
  }

  /**
   * Straight-line loops, as few vector operations as the formulas allow (fused multiply-adds,
   * constants broadcast once): JDK 17 boxes a vector that two branches merge, or that C2 no
   * longer inlines once a method has grown too many nodes (both measured: the transforms then
   * allocated 1.7 MB per network call and took a third of the convolutions' time). A row
   * shorter than a vector runs scalar; otherwise the last vector overlaps the one before it,
   * which writes the same values again.
   */
  @Override
  public void winogradInput(float[] x, int xOff, int xStride, float[] u, int uOff, int uStride,
      int len) {
    if (len < L) {
      ScalarRowKernel.winogradInputRange(x, xOff, xStride, u, uOff, uStride, 0, len);
      return;
    }
    FloatVector four = FloatVector.broadcast(S, 4f);
    FloatVector minusFour = FloatVector.broadcast(S, -4f);
    FloatVector minusFive = FloatVector.broadcast(S, -5f);
    FloatVector two = FloatVector.broadcast(S, 2f);
    FloatVector minusTwo = FloatVector.broadcast(S, -2f);
    int last = len - L;
    for (int j = 0; j < len; j += L) {
      int i = xOff + Math.min(j, last);
      int o = uOff + Math.min(j, last);
      FloatVector d1 = FloatVector.fromArray(S, x, i + xStride);
      FloatVector d2 = FloatVector.fromArray(S, x, i + 2 * xStride);
      FloatVector d3 = FloatVector.fromArray(S, x, i + 3 * xStride);
      FloatVector d4 = FloatVector.fromArray(S, x, i + 4 * xStride);
      FloatVector d42 = d4.sub(d2);
      FloatVector d31 = d3.sub(d1);
      four.fma(FloatVector.fromArray(S, x, i), minusFive.fma(d2, d4)).intoArray(u, o);
      minusFour.fma(d1.add(d2), d3.add(d4)).intoArray(u, o + uStride);
      four.fma(d1.sub(d2), d4.sub(d3)).intoArray(u, o + 2 * uStride);
      two.fma(d31, d42).intoArray(u, o + 3 * uStride);
      minusTwo.fma(d31, d42).intoArray(u, o + 4 * uStride);
      four.fma(d1, minusFive.fma(d3, FloatVector.fromArray(S, x, i + 5 * xStride)))
          .intoArray(u, o + 5 * uStride);
    }
  }

  /** A last group of fewer than four rows (one per tile and channel) runs scalar. */
  @Override
  public void winogradOutput(float[] m, int mOff, int mStride, float bias, float[] slopes,
      int row, float[] z, int zOff, int zStride, int rows, int len) {
    if (len < L || rows < 4) {
      ScalarRowKernel.winogradOutputRange(m, mOff, mStride, bias, slopes, row, z, zOff, zStride,
          rows, 0, len);
      return;
    }
    FloatVector zero = FloatVector.zero(S);
    FloatVector a = FloatVector.broadcast(S, slopes == null ? 1f : slopes[row]);
    FloatVector b = FloatVector.broadcast(S, bias);
    FloatVector two = FloatVector.broadcast(S, 2f);
    FloatVector four = FloatVector.broadcast(S, 4f);
    FloatVector eight = FloatVector.broadcast(S, 8f);
    int last = len - L;
    for (int j = 0; j < len; j += L) {
      int i = mOff + Math.min(j, last);
      int o = zOff + Math.min(j, last);
      FloatVector m1 = FloatVector.fromArray(S, m, i + mStride);
      FloatVector m2 = FloatVector.fromArray(S, m, i + 2 * mStride);
      FloatVector m3 = FloatVector.fromArray(S, m, i + 3 * mStride);
      FloatVector m4 = FloatVector.fromArray(S, m, i + 4 * mStride);
      FloatVector s12 = m1.add(m2);
      FloatVector d12 = m1.sub(m2);
      FloatVector s34 = m3.add(m4);
      FloatVector d34 = m3.sub(m4);
      FloatVector y0 = FloatVector.fromArray(S, m, i).add(s12).add(s34).add(b);
      a.fma(y0.min(zero), y0.max(zero)).intoArray(z, o);
      FloatVector y1 = two.fma(d34, d12).add(b);
      a.fma(y1.min(zero), y1.max(zero)).intoArray(z, o + zStride);
      FloatVector y2 = four.fma(s34, s12).add(b);
      a.fma(y2.min(zero), y2.max(zero)).intoArray(z, o + 2 * zStride);
      FloatVector y3 = eight.fma(d34, d12).add(FloatVector.fromArray(S, m, i + 5 * mStride))
          .add(b);
      a.fma(y3.min(zero), y3.max(zero)).intoArray(z, o + 3 * zStride);
    }
  }

  @Override
  public void dots(float[] a, int aOff, int aStride, int rowsA, float[] b, int bOff,
      int bStride, int rowsB, int len, float[] c, int cOff, int cStride) {
    int tEnd = len - len % L;
    int iEnd4 = rowsA - rowsA % 4;
    int iEnd2 = rowsA - rowsA % 2;
    int jEnd = rowsB - rowsB % 4;
    for (int i = 0; i < rowsA; i++) {
      for (int j = 0; j < rowsB; j++) {
        if (i < iEnd2 && j < jEnd) {
          if (j % 4 != 0) {
            continue;
          }
          if (i < iEnd4 && i % 4 == 0) {
            dots4x4(a, aOff + i * aStride, aStride, b, bOff + j * bStride, bStride, tEnd, c,
                cOff + i * cStride + j, cStride);
          } else if (i >= iEnd4 && i % 2 == 0) {
            dots2x4(a, aOff + i * aStride, aStride, b, bOff + j * bStride, bStride, tEnd, c,
                cOff + i * cStride + j, cStride);
          }
          continue;
        }
        FloatVector acc = FloatVector.zero(S);
        int ai = aOff + i * aStride;
        int bj = bOff + j * bStride;
        for (int t = 0; t < tEnd; t += L) {
          acc = FloatVector.fromArray(S, a, ai + t).fma(FloatVector.fromArray(S, b, bj + t), acc);
        }
        c[cOff + i * cStride + j] += acc.reduceLanes(VectorOperators.ADD);
      }
    }
    ScalarRowKernel.dotsRange(a, aOff, aStride, rowsA, b, bOff, bStride, rowsB, tEnd, len, c,
        cOff, cStride);
  }

  /**
   * Four rows of {@code a} against four of {@code b}: 8 loads feed 16 FMAs (2x4: 6 feed 8, and
   * a weight gradient's rows stream from L2). Each sum is accumulated and reduced as in the
   * 2x4 block, so the result is the same to the bit.
   */
  private static void dots4x4(float[] a, int a0, int aStride, float[] b, int b0, int bStride,
      int tEnd, float[] c, int c0, int cStride) {
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00;
    FloatVector s02 = s00;
    FloatVector s03 = s00;
    FloatVector s10 = s00;
    FloatVector s11 = s00;
    FloatVector s12 = s00;
    FloatVector s13 = s00;
    FloatVector s20 = s00;
    FloatVector s21 = s00;
    FloatVector s22 = s00;
    FloatVector s23 = s00;
    FloatVector s30 = s00;
    FloatVector s31 = s00;
    FloatVector s32 = s00;
    FloatVector s33 = s00;
    for (int t = 0; t < tEnd; t += L) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + t);
      FloatVector x1 = FloatVector.fromArray(S, a, a0 + aStride + t);
      FloatVector x2 = FloatVector.fromArray(S, a, a0 + 2 * aStride + t);
      FloatVector x3 = FloatVector.fromArray(S, a, a0 + 3 * aStride + t);
      FloatVector y = FloatVector.fromArray(S, b, b0 + t);
      s00 = x0.fma(y, s00);
      s10 = x1.fma(y, s10);
      s20 = x2.fma(y, s20);
      s30 = x3.fma(y, s30);
      y = FloatVector.fromArray(S, b, b0 + bStride + t);
      s01 = x0.fma(y, s01);
      s11 = x1.fma(y, s11);
      s21 = x2.fma(y, s21);
      s31 = x3.fma(y, s31);
      y = FloatVector.fromArray(S, b, b0 + 2 * bStride + t);
      s02 = x0.fma(y, s02);
      s12 = x1.fma(y, s12);
      s22 = x2.fma(y, s22);
      s32 = x3.fma(y, s32);
      y = FloatVector.fromArray(S, b, b0 + 3 * bStride + t);
      s03 = x0.fma(y, s03);
      s13 = x1.fma(y, s13);
      s23 = x2.fma(y, s23);
      s33 = x3.fma(y, s33);
    }
    // Reduced here, not in a helper: JDK 17 boxes vectors passed to a call it does not inline.
    c[c0] += s00.reduceLanes(VectorOperators.ADD);
    c[c0 + 1] += s01.reduceLanes(VectorOperators.ADD);
    c[c0 + 2] += s02.reduceLanes(VectorOperators.ADD);
    c[c0 + 3] += s03.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride] += s10.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 1] += s11.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 2] += s12.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 3] += s13.reduceLanes(VectorOperators.ADD);
    c[c0 + 2 * cStride] += s20.reduceLanes(VectorOperators.ADD);
    c[c0 + 2 * cStride + 1] += s21.reduceLanes(VectorOperators.ADD);
    c[c0 + 2 * cStride + 2] += s22.reduceLanes(VectorOperators.ADD);
    c[c0 + 2 * cStride + 3] += s23.reduceLanes(VectorOperators.ADD);
    c[c0 + 3 * cStride] += s30.reduceLanes(VectorOperators.ADD);
    c[c0 + 3 * cStride + 1] += s31.reduceLanes(VectorOperators.ADD);
    c[c0 + 3 * cStride + 2] += s32.reduceLanes(VectorOperators.ADD);
    c[c0 + 3 * cStride + 3] += s33.reduceLanes(VectorOperators.ADD);
  }

  /** Two rows of {@code a} against four of {@code b}: each loaded vector feeds 2 or 4 FMAs. */
  private static void dots2x4(float[] a, int a0, int aStride, float[] b, int b0, int bStride,
      int tEnd, float[] c, int c0, int cStride) {
    FloatVector s00 = FloatVector.zero(S);
    FloatVector s01 = s00;
    FloatVector s02 = s00;
    FloatVector s03 = s00;
    FloatVector s10 = s00;
    FloatVector s11 = s00;
    FloatVector s12 = s00;
    FloatVector s13 = s00;
    for (int t = 0; t < tEnd; t += L) {
      FloatVector x0 = FloatVector.fromArray(S, a, a0 + t);
      FloatVector x1 = FloatVector.fromArray(S, a, a0 + aStride + t);
      FloatVector y = FloatVector.fromArray(S, b, b0 + t);
      s00 = x0.fma(y, s00);
      s10 = x1.fma(y, s10);
      y = FloatVector.fromArray(S, b, b0 + bStride + t);
      s01 = x0.fma(y, s01);
      s11 = x1.fma(y, s11);
      y = FloatVector.fromArray(S, b, b0 + 2 * bStride + t);
      s02 = x0.fma(y, s02);
      s12 = x1.fma(y, s12);
      y = FloatVector.fromArray(S, b, b0 + 3 * bStride + t);
      s03 = x0.fma(y, s03);
      s13 = x1.fma(y, s13);
    }
    c[c0] += s00.reduceLanes(VectorOperators.ADD);
    c[c0 + 1] += s01.reduceLanes(VectorOperators.ADD);
    c[c0 + 2] += s02.reduceLanes(VectorOperators.ADD);
    c[c0 + 3] += s03.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride] += s10.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 1] += s11.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 2] += s12.reduceLanes(VectorOperators.ADD);
    c[c0 + cStride + 3] += s13.reduceLanes(VectorOperators.ADD);
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
    int max = FloatVector.SPECIES_PREFERRED.vectorBitSize();
    return "SIMD (Vector API, " + S.vectorBitSize() + "-bit, " + L + " floats"
        + (max > S.vectorBitSize() ? " of the CPU's " + max + "-bit" : "") + ")";
  }
}
