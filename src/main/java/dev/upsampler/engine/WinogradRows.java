package dev.upsampler.engine;

/**
 * A same-padded 3x3 convolution on {@link DirectNetwork}'s flat planes by Winograd's minimal
 * filtering F(4,3) down the columns (Lavin and Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016, with their interpolation points 0, 1, -1, 2, -2): four output rows {@code
 * 4m .. 4m+3} of a kernel column {@code g} come from six input rows {@code d0..d5} ({@code 4m-1
 * .. 4m+4}) as six products {@code mk = uk * Gk}, where {@code uk} is the input transform
 * ({@link RowKernel#winogradInput}), {@code Gk} the kernel's ({@link #weights}) and the outputs
 * the output transform of the products ({@link RowKernel#winogradOutput}): six multiplies for
 * four outputs where the direct sum needs twelve.
 *
 * <p>So the layer runs as six {@link RowKernel#conv} calls of {@code 3 * in} taps (one per
 * kernel column and input channel) over six transformed quarter-height planes, where the direct
 * form runs one of {@code 9 * in} taps over the full height: half the multiply-adds, the
 * transforms costing a few additions per pixel and channel. Groups run down the columns, not
 * along the rows, so every step is whole contiguous rows (no lane shuffles) and the kernels'
 * register blocks are unchanged.
 *
 * <p>The sums differ from the direct form's in float32 rounding only; the transforms' small
 * integer coefficients and the kernel transform's sixths and twenty-fourths (computed in double)
 * make that rounding a few times the direct form's.
 */
final class WinogradRows {
  private WinogradRows() {}

  /** Output rows per group. */
  static final int ROWS = 4;

  /** Transformed planes (products) per group. */
  static final int PLANES = ROWS + 2;

  /**
   * Zero rows the planes need below the bottom border of {@code pad} rows: a last group reads
   * input rows up to {@code 4 * ceil(h / 4) + 4}, up to four rows past the last one, and the
   * border has at least one.
   */
  static final int ROWS_BELOW = 3;

  /**
   * Groups per band: a band's transformed input and products (six planes of {@code BAND * 4}
   * rows per channel each, about 500 KB for 32 channels of a 160-pixel tile) stay in the core's
   * L2 cache between the transform, the convolutions and the inverse transform; whole-tile
   * planes (several MB) did not, and cost what the saved multiplies gained.
   */
  static final int BAND = 4;

  /**
   * Whether a convolution runs this way: 3x3 with at least 8 channels in and out, where the
   * multiply-adds outweigh the transforms (measured in the README's engine section).
   */
  static boolean pays(NetworkLayer.Conv2d c) {
    return c.k() == 3 && c.in() >= 8 && c.out() >= 8;
  }

  /**
   * The six transformed kernels, each laid out as {@link RowKernel#conv} reads its weights:
   * {@code g[k][(ci * 3 + kx) * out + o]}; {@code G = [g0/4, -(g0+g1+g2)/6, -(g0-g1+g2)/6,
   * g0/24 + g1/12 + g2/6, g0/24 - g1/12 + g2/6, g2]} down each kernel column.
   */
  static float[][] weights(NetworkLayer.Conv2d c) {
    int in = c.in();
    int out = c.out();
    float[] p = c.params();
    float[][] g = new float[PLANES][in * 3 * out];
    for (int o = 0; o < out; o++) {
      for (int ci = 0; ci < in; ci++) {
        for (int kx = 0; kx < 3; kx++) {
          int base = (o * in + ci) * 9 + kx;
          double g0 = p[base];
          double g1 = p[base + 3];
          double g2 = p[base + 6];
          int t = (ci * 3 + kx) * out + o;
          g[0][t] = (float) (g0 / 4);
          g[1][t] = (float) (-(g0 + g1 + g2) / 6);
          g[2][t] = (float) (-(g0 - g1 + g2) / 6);
          g[3][t] = (float) (g0 / 24 + g1 / 12 + g2 / 6);
          g[4][t] = (float) (g0 / 24 - g1 / 12 + g2 / 6);
          g[5][t] = (float) g2;
        }
      }
    }
    return g;
  }

  /** Per-thread scratch: a band's transformed input and products, grown on demand. */
  static final class Scratch {
    private float[] u = new float[0];
    private float[] m = new float[0];
    private float[] zeros = new float[0];
    private int[] taps = new int[0];
  }

  /**
   * Runs one convolution: {@code in} planes of {@code x} into {@code out} planes of {@code z}
   * (each {@code (h + 2 pad + ROWS_BELOW) x rowLength}, interior {@code h x w} at ({@code pad},
   * {@code pad}), zero outside it in {@code x}), with {@code bias} and then PReLU {@code slopes}
   * (or none) applied as {@link RowKernel#conv} applies them. Only the interior of {@code z} is
   * written.
   */
  static void run(RowKernel kernel, float[][] g, float[] bias, float[] slopes, int in, int out,
      float[] x, float[] z, int h, int w, int pad, int rowLength, Scratch s) {
    int groups = (h + ROWS - 1) / ROWS;
    int plane = (h + 2 * pad + ROWS_BELOW) * rowLength;
    // Each band's convolutions run over whole register blocks (3 vectors), past the last pixel
    // into the slack after each channel's rows: a ragged end would run per vector and per lane.
    int block = 3 * kernel.lanes();
    int band = Math.min(BAND, groups) * rowLength + block;
    if (s.u.length < PLANES * in * band) {
      s.u = new float[PLANES * in * band];
    }
    if (s.m.length < PLANES * out * band) {
      s.m = new float[PLANES * out * band];
    }
    if (s.zeros.length < out) {
      s.zeros = new float[out];
    }
    if (s.taps.length < 3 * in) {
      s.taps = new int[3 * in];
    }
    for (int ci = 0; ci < in; ci++) {
      for (int kx = 0; kx < 3; kx++) {
        s.taps[ci * 3 + kx] = ci * band + kx - 1;
      }
    }
    for (int m0 = 0; m0 < groups; m0 += BAND) {
      int n = Math.min(BAND, groups - m0);
      for (int c = 0; c < in; c++) { // all columns: the border columns stay zero
        for (int m = 0; m < n; m++) {
          int y = ROWS * (m0 + m);
          kernel.winogradInput(x, c * plane + (pad + y - 1) * rowLength, rowLength, s.u,
              c * band + m * rowLength, in * band, rowLength);
        }
      }
      int len = (n - 1) * rowLength + w;
      len += Math.floorMod(-len, block);
      for (int k = 0; k < PLANES; k++) {
        kernel.conv(g[k], out, s.u, k * in * band + pad, s.taps, 3 * in, s.zeros, null, s.m,
            k * out * band + pad, band, len);
      }
      for (int o = 0; o < out; o++) {
        for (int m = 0; m < n; m++) {
          int y = ROWS * (m0 + m);
          kernel.winogradOutput(s.m, o * band + m * rowLength + pad, out * band, bias[o],
              slopes, o, z, o * plane + (pad + y) * rowLength + pad, rowLength,
              Math.min(ROWS, h - y), w);
        }
      }
    }
  }
}
