package dev.upsampler.engine;

/**
 * Matrix products on the engine's SIMD kernel (scalar when the Vector API is absent), for the
 * dense layers of networks: convolutions become GEMMs after {@link Im2col}. Row-major arrays with
 * explicit offsets and strides; no allocation.
 */
public final class Gemm {
  private Gemm() {}

  /**
   * {@code C[i][j] = sum over t of A[i][t] * B[t][j]} for i in [0, m), j in [0, n), t in [0, k),
   * with {@code A} given transposed: {@code A[i][t] = aT[aOff + t*m + i]}, {@code B[t][j] =
   * b[bOff + t*ldb + j]}, {@code C[i][j] = c[cOff + i*ldc + j]} (overwritten).
   */
  public static void multiply(float[] aT, int aOff, int m, float[] b, int bOff, int ldb, int k,
      float[] c, int cOff, int ldc, int n) {
    VectorSupport.kernel().gemm(aT, aOff, m, b, bOff, ldb, k, c, cOff, ldc, n);
  }

  /**
   * {@code C[i][j] += sum over t in [0, len) of A[i][t] * B[j][t]}: both operands row-major with
   * the reduction along their rows (a weights' gradient: output gradient times input columns).
   */
  public static void addProductsTransposed(float[] a, int aOff, int lda, int m, float[] b,
      int bOff, int ldb, int n, int len, float[] c, int cOff, int ldc) {
    VectorSupport.kernel().dots(a, aOff, lda, m, b, bOff, ldb, n, len, c, cOff, ldc);
  }

  /** {@code dst[j*rows + i] = src[srcOff + i*cols + j]}: a rows x cols matrix transposed. */
  public static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        dst[j * rows + i] = src[srcOff + i * cols + j];
      }
    }
  }
}
