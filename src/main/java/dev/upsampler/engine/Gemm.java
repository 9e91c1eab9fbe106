package dev.upsampler.engine;

/**
 * Matrix products on the engine's SIMD kernel (scalar when the Vector API is absent), for the
 * dense layers of networks: convolutions become GEMMs after {@link Im2col}. Row-major arrays with
 * explicit offsets and strides; no allocation.
 */
public final class Gemm {
  /**
   * Columns (or reduction length) per block: a block of {@code B}'s rows stays in cache while
   * every row of the result uses it (for a 108-row B, 512 columns are 216 KB; whole rows of a
   * tile, several MB, streamed from memory once per 4 result rows).
   */
  private static final int BLOCK = 512;

  /** Reduction lengths from which blocking the columns pays. */
  private static final int MIN_BLOCKED_DEPTH = 48;

  /** {@link #BLOCK} rounded to the GEMM kernel's 3-vector column step (no ragged tail). */
  private static int columnBlock(RowKernel kernel) {
    int step = 3 * kernel.lanes();
    return (BLOCK + step - 1) / step * step;
  }

  private Gemm() {}

  /**
   * {@code C[i][j] = sum over t of A[i][t] * B[t][j]} for i in [0, m), j in [0, n), t in [0, k),
   * with {@code A} given transposed: {@code A[i][t] = aT[aOff + t*m + i]}, {@code B[t][j] =
   * b[bOff + t*ldb + j]}, {@code C[i][j] = c[cOff + i*ldc + j]} (overwritten).
   */
  public static void multiply(float[] aT, int aOff, int m, float[] b, int bOff, int ldb, int k,
      float[] c, int cOff, int ldc, int n) {
    RowKernel kernel = VectorSupport.kernel();
    // A short sum's rows of B are few enough to stay in cache across the whole width.
    int block = k >= MIN_BLOCKED_DEPTH ? columnBlock(kernel) : n;
    for (int j = 0; j < n; j += block) {
      kernel.gemm(aT, aOff, m, b, bOff + j, ldb, k, c, cOff + j, ldc, Math.min(block, n - j));
    }
  }

  /**
   * {@code C[i][j] += sum over t in [0, len) of A[i][t] * B[j][t]}: both operands row-major with
   * the reduction along their rows (a weights' gradient: output gradient times input columns).
   */
  public static void addProductsTransposed(float[] a, int aOff, int lda, int m, float[] b,
      int bOff, int ldb, int n, int len, float[] c, int cOff, int ldc) {
    RowKernel kernel = VectorSupport.kernel();
    for (int t = 0; t < len; t += BLOCK) {
      kernel.dots(a, aOff + t, lda, m, b, bOff + t, ldb, n, Math.min(BLOCK, len - t), c, cOff,
          ldc);
    }
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
