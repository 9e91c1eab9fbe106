package dev.upsampler.engine;

/**
 * A same-padded 3x3 convolution on {@link DirectNetwork}'s flat planes by Winograd's minimal
 * filtering F(2,3) down the columns: output rows {@code 2m} and {@code 2m+1} of a kernel column
 * {@code g} over input rows {@code d0..d3} ({@code 2m-1 .. 2m+2}) are
 *
 * <pre>
 *   y0 = m0 + m1 + m2,  y1 = m1 - m2 - m3,  where
 *   m0 = (d0 - d2) g0,  m1 = (d1 + d2) (g0 + g1 + g2) / 2,
 *   m2 = (d2 - d1) (g0 - g1 + g2) / 2,  m3 = (d1 - d3) g2
 * </pre>
 *
 * four multiplies for two outputs where the direct sum needs six. So the layer runs as four
 * {@link RowKernel#conv} calls of {@code 3 * in} taps (one per kernel column and input channel)
 * over four transformed half-height planes, where the direct form runs one of {@code 9 * in}
 * taps over the full height: 1.5x fewer multiply-adds, the transforms costing a few additions
 * per pixel and channel. Pairs run down the columns, not along the rows, so every step stays on
 * whole contiguous rows (no lane shuffles) and the kernels' register blocks are unchanged.
 *
 * <p>The sums differ from the direct form's in float32 rounding only (the transformed weights
 * are exact halves of sums of three weights).
 */
final class WinogradRows {
  private WinogradRows() {}

  /**
   * Whether a convolution runs this way: 3x3 with at least 8 channels in and out, where the
   * multiply-adds outweigh the transforms (measured in the README's engine section).
   */
  static boolean pays(NetworkLayer.Conv2d c) {
    return c.k() == 3 && c.in() >= 8 && c.out() >= 8;
  }

  /**
   * The four transformed kernels, each laid out as {@link RowKernel#conv} reads its weights:
   * {@code g[j][(ci * 3 + kx) * out + o]}.
   */
  static float[][] weights(NetworkLayer.Conv2d c) {
    int in = c.in();
    int out = c.out();
    float[] p = c.params();
    float[][] g = new float[4][in * 3 * out];
    for (int o = 0; o < out; o++) {
      for (int ci = 0; ci < in; ci++) {
        for (int kx = 0; kx < 3; kx++) {
          int base = (o * in + ci) * 9 + kx;
          float g0 = p[base];
          float g1 = p[base + 3];
          float g2 = p[base + 6];
          int t = (ci * 3 + kx) * out + o;
          g[0][t] = g0;
          g[1][t] = (g0 + g1 + g2) * 0.5f;
          g[2][t] = (g0 - g1 + g2) * 0.5f;
          g[3][t] = g2;
        }
      }
    }
    return g;
  }

  /** Per-thread scratch: the transformed input and the four products, grown on demand. */
  static final class Scratch {
    private float[] u = new float[0];
    private float[] m = new float[0];
    private float[] zeros = new float[0];
    private int[] taps = new int[0];
  }

  /**
   * Pairs of output rows per band: a band's transformed input and products (4 planes each of
   * {@code BAND} rows per channel, about 660 KB each for 32 channels of a 160-pixel tile) stay
   * in the core's L2 cache between the transform, the convolutions and the inverse transform;
   * whole-tile planes (6.6 MB) did not, and cost what the saved multiplies gained.
   */
  static final int BAND = 8;

  /**
   * Runs one convolution: {@code in} planes of {@code x} into {@code out} planes of {@code z}
   * (each {@code (h + 2 pad) x rowLength}, interior {@code h x w} at ({@code pad}, {@code
   * pad}), zero outside it in {@code x}), with {@code bias} and then PReLU {@code slopes} (or
   * none) applied as {@link RowKernel#conv} applies them. Only the interior of {@code z} is
   * written.
   */
  static void run(RowKernel kernel, float[][] g, float[] bias, float[] slopes, int in, int out,
      float[] x, float[] z, int h, int w, int pad, int rowLength, Scratch s) {
    int pairs = (h + 1) / 2;
    int plane = (h + 2 * pad) * rowLength;
    // Each band's convolutions run over whole register blocks (3 vectors), past the last pixel
    // into the slack after each channel's rows: a ragged end would run per vector and per lane.
    int block = 3 * kernel.lanes();
    int half = Math.min(BAND, pairs) * rowLength + block;
    if (s.u.length < 4 * in * half) {
      s.u = new float[4 * in * half];
    }
    if (s.m.length < 4 * out * half) {
      s.m = new float[4 * out * half];
    }
    if (s.zeros.length < out) {
      s.zeros = new float[out];
    }
    if (s.taps.length < 3 * in) {
      s.taps = new int[3 * in];
    }
    for (int ci = 0; ci < in; ci++) {
      for (int kx = 0; kx < 3; kx++) {
        s.taps[ci * 3 + kx] = ci * half + kx - 1;
      }
    }
    for (int m0 = 0; m0 < pairs; m0 += BAND) {
      int n = Math.min(BAND, pairs - m0);
      for (int c = 0; c < in; c++) { // all columns: the border columns stay zero
        for (int m = 0; m < n; m++) {
          int y = 2 * (m0 + m);
          kernel.winogradInput(x, c * plane + (pad + y - 1) * rowLength, rowLength,
              y + 2 < h + pad, s.u, c * half + m * rowLength, in * half, rowLength);
        }
      }
      int len = (n - 1) * rowLength + w;
      len += Math.floorMod(-len, block);
      for (int j = 0; j < 4; j++) {
        kernel.conv(g[j], out, s.u, j * in * half + pad, s.taps, 3 * in, s.zeros, null, s.m,
            j * out * half + pad, half, len);
      }
      for (int o = 0; o < out; o++) {
        for (int m = 0; m < n; m++) {
          int y = 2 * (m0 + m);
          kernel.winogradOutput(s.m, o * half + m * rowLength + pad, out * half, bias[o],
              slopes, o, z, o * plane + (pad + y) * rowLength + pad, rowLength, y + 1 < h, w);
        }
      }
    }
  }
}
