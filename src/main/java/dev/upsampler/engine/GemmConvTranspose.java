package dev.upsampler.engine;

import java.util.Arrays;

/**
 * The fast transposed convolution for many input channels (FSRCNN's 56-channel last layer):
 * a register-blocked GEMM into a tile-sized scratch, then a phase-wise col2im.
 *
 * <pre>
 *   Z[(m, ky, kx), iy, ix] = sum over c in group of W[c, m, ky, kx] * x[c, iy, ix]      (GEMM)
 *   y[co, oy, ox] = bias + sum over ky, kx with oy + top - ky*dH = iy*sH, ox + left - kx*dW = ix*sW
 *                   of Z[(m, ky, kx), iy, ix]                                            (col2im)
 * </pre>
 *
 * The GEMM broadcasts each weight against vectors of input pixels (every input vector is reused
 * for four weight rows), where the row form reloads a weight pattern per tap. The col2im runs per
 * output phase: outputs {@code ox = ox_p + sW*j} of one phase read each Z row contiguously in
 * {@code j}, so one phase is a {@link RowKernel#taps} sum with weight 1, stored with the phases
 * interleaved. Tiles are column strips of a quarter of the image's height; Z rows live in a ring
 * between zero margins (so borders need no branch) and each is computed once per tile. Only
 * {@link BorderMode#ZERO}; any stride and dilation.
 */
final class GemmConvTranspose {
  /**
   * Input columns per tile. Wide strips make each channel's row one long sequential read (short
   * pieces of 56 far-apart rows left the prefetchers idle: 2x slower GEMM); the ring of Z rows
   * for 512 columns of FSRCNN's layer is about 1 MB, within this machine's 2 MB L2.
   */
  private static final int TILE_INPUT_COLS = 512;
  /** Row segments per image: tiles to spread over threads; each recomputes only its halo. */
  private static final int ROW_SEGMENTS = 8;

  private final ConvTransposePlan plan;
  private final ConvTransposeSpec spec;
  private final float[] bias;
  private final RowKernel kernel;
  /** Rows of Z per group: (m, ky, kx). */
  private final int rowsZ;
  /** Weights transposed per group to [c][(m, ky, kx)]. */
  private final float[] weightsT;
  private final float[] ones;
  private final int tileW;
  private final int tileH;
  private final int zWidth;
  private final int xWidth;
  private final int maxInRows;
  private final int maxTaps;
  private final Tiles<Workspace> tiles;

  GemmConvTranspose(ConvTransposePlan plan, Tensor weights, float[] bias, RowKernel kernel) {
    this.plan = plan;
    this.spec = plan.spec();
    this.bias = bias;
    this.kernel = kernel;
    int kh = spec.kernel().h();
    int kw = spec.kernel().w();
    this.rowsZ = spec.outPerGroup() * kh * kw;
    this.weightsT = new float[spec.inChannels() * rowsZ];
    for (int c = 0; c < spec.inChannels(); c++) {
      for (int m = 0; m < spec.outPerGroup(); m++) {
        for (int ky = 0; ky < kh; ky++) {
          for (int kx = 0; kx < kw; kx++) {
            weightsT[c * rowsZ + (m * kh + ky) * kw + kx] = weights.get(c, m, ky, kx);
          }
        }
      }
    }
    this.ones = new float[kernel.lanes()];
    Arrays.fill(ones, 1f);
    int sw = spec.stride().w();
    int sh = spec.stride().h();
    // Output columns such that a tile's input columns (halo included) fill whole vectors.
    int halo = ((kw - 1) * spec.dilation().w() + sw - 1) / sw;
    this.tileW = Math.min(plan.outW(), Math.max(sw, sw * (TILE_INPUT_COLS - 1 - halo)));
    this.tileH = (plan.outH() + ROW_SEGMENTS - 1) / ROW_SEGMENTS;
    // Z rows hold the margins plus the input columns rounded up to whole vectors.
    int reach = (tileW - 1 + (kw - 1) * spec.dilation().w()) / sw + 2;
    this.xWidth = roundUp(reach, kernel.lanes());
    this.zWidth = reach + kernel.lanes();
    // The ring of Z rows: every input row one output row can meet.
    this.maxInRows = ((kh - 1) * spec.dilation().h()) / sh + 2;
    this.maxTaps = kh * kw;
    this.tiles = new Tiles<>(tileH, tileW, plan.outW(), 1, Workspace::new);
  }

  private static int roundUp(int v, int unit) {
    return (v + unit - 1) / unit * unit;
  }

  /** Worth it when the channel sum is long enough to amortise the col2im. */
  static boolean suits(ConvTransposeSpec spec, BorderMode border) {
    return border == BorderMode.ZERO && spec.inPerGroup() >= 16;
  }

  void run(FrameRows io, Parallelism par) {
    long work = (long) tileH * tileW * spec.outChannels() * spec.inPerGroup() * maxTaps
        / ((long) spec.stride().h() * spec.stride().w());
    tiles.run(io, par, work, (ws, b, g, oy0, oy1, ox0, ox1) -> runTile(io, ws, b, oy0, oy1, ox0,
        ox1));
  }

  private void runTile(FrameRows io, Workspace ws, int b, int oy0, int oy1, int ox0, int ox1) {
    int sh = spec.stride().h();
    int sw = spec.stride().w();
    int dh = spec.dilation().h();
    int dw = spec.dilation().w();
    int kh = spec.kernel().h();
    int kw = spec.kernel().w();
    int top = plan.crop().top();
    int left = plan.crop().left();
    int cg = spec.inPerGroup();
    int mg = spec.outPerGroup();
    // Input columns the tile reaches (Z's width, margins included) and those that exist.
    int ixFirst = Math.floorDiv(ox0 + left - (kw - 1) * dw, sw);
    int ixLast = Math.floorDiv(ox1 - 1 + left, sw);
    int ixLo = Math.max(0, ixFirst);
    int ixHi = Math.min(io.inW - 1, ixLast);
    int nx = ixHi - ixLo + 1;
    int rowBlock = rowsZ * zWidth;
    Arrays.fill(ws.slotRow, -1);
    for (int oy = oy0; oy < oy1; oy++) {
      int n = nx > 0
          ? AxisTaps.rowTaps(oy, sh, dh, kh, top, io.inH, BorderMode.ZERO, ws.kk, ws.in) : 0;
      for (int g = 0; g < spec.groups(); g++) {
        // Z rows live in a ring: each input row's GEMM runs once per tile, when first needed.
        for (int q = 0; q < n; q++) {
          int slot = g * maxInRows + ws.in[q] % maxInRows;
          if (ws.slotRow[slot] != ws.in[q]) {
            computeZ(io, ws, b, g, ws.in[q], ixLo, nx, ixLo - ixFirst, slot * rowBlock);
            ws.slotRow[slot] = ws.in[q];
          }
        }
        for (int m = 0; m < mg; m++) {
          int co = g * mg + m;
          float bv = bias == null ? 0f : bias[co];
          for (int p = 0; p < sw && ox0 + p < ox1; p++) {
            int oxp = ox0 + p;
            int count = (ox1 - oxp + sw - 1) / sw;
            int taps = 0;
            for (int kx = 0; kx < kw; kx++) {
              int num = oxp + left - kx * dw;
              if (Math.floorMod(num, sw) != 0) {
                continue;
              }
              int col = Math.floorDiv(num, sw) - ixFirst;
              for (int q = 0; q < n; q++) {
                int slot = g * maxInRows + ws.in[q] % maxInRows;
                ws.srcOff[taps] = slot * rowBlock + ((m * kh + ws.kk[q]) * kw + kx) * zWidth
                    + col;
                ws.wOff[taps] = 0;
                taps++;
              }
            }
            kernel.taps(ws.z, ws.srcOff, ones, ws.wOff, taps, 1, bv, ws.phase, 0, count);
            io.storeStrided(kernel, ws.phase, count, b, co, oy, oxp, sw);
          }
        }
      }
    }
  }

  /**
   * The GEMM of one input row into Z block {@code zOff}: rows (m, ky, kx) of {@code zWidth}
   * columns, the image's {@code nx} columns at {@code margin}, zeros left and right of them.
   */
  private void computeZ(FrameRows io, Workspace ws, int b, int g, int iy, int ixLo, int nx,
      int margin, int zOff) {
    int cg = spec.inPerGroup();
    // The GEMM runs over whole vectors: the input row is copied into a scratch whose rows end
    // in zeros, so no column is left to a scalar tail.
    int padded = roundUp(nx, kernel.lanes());
    for (int c = 0; c < cg; c++) {
      io.gatherRow(b, g * cg + c, iy, ixLo, nx, ws.x, c * xWidth);
      Arrays.fill(ws.x, c * xWidth + nx, c * xWidth + padded, 0f);
    }
    kernel.gemm(weightsT, g * cg * rowsZ, rowsZ, ws.x, 0, xWidth, cg, ws.z, zOff + margin,
        zWidth, padded);
    for (int r = 0; r < rowsZ; r++) {
      int row = zOff + r * zWidth;
      Arrays.fill(ws.z, row, row + margin, 0f);
      Arrays.fill(ws.z, row + margin + padded, row + zWidth, 0f);
    }
  }

  /** Per-thread scratch sized by the tile and reused across calls. */
  private final class Workspace {
    final float[] z = new float[spec.groups() * maxInRows * rowsZ * zWidth];
    /** Which input row each ring slot holds, -1 for none. */
    final int[] slotRow = new int[spec.groups() * maxInRows];
    final float[] x = new float[spec.inPerGroup() * xWidth];
    final float[] phase = new float[tileW];
    final int[] srcOff = new int[maxTaps];
    final int[] wOff = new int[maxTaps];
    final int[] kk = new int[spec.kernel().h()];
    final int[] in = new int[spec.kernel().h()];
  }
}
