package dev.upsampler.engine;

/**
 * The fast path for depthwise kernels of rank 1 ({@code W[c] = u_c (outer) v_c}), such as the
 * fixed interpolation kernels: two 1-D passes per tile instead of one 2-D pass.
 *
 * <pre>
 *   h[c, iy, ox] = sum over tx of xe[c, iy][ox + left - sW*tx] * v_c[phase(ox) + sW*tx]   (rows)
 *   y[c, oy, ox] = bias[c] + sum over ky with oy + top - ky*dH = iy*sH of h[c, iy, ox] * u_c[ky]
 * </pre>
 *
 * An 8-bit interleaved image (rgb24) stays interleaved throughout: the rows hold {@code C}
 * channels per pixel and the weight patterns have period {@code C * sW}, so a frame is never
 * split into planes. Costs {@code ceil(kW/sW)/sH + ceil(kH/sH)} multiply-adds per output instead
 * of {@code ceil(kW/sW) * ceil(kH/sH)}.
 */
final class SeparableConvTranspose {
  private static final int TILE_ROWS = 64;
  private static final int TILE_COLS = 1024;
  /** Largest |u v - W| accepted, relative to max |W|: exact factors up to float rounding. */
  private static final float RANK1_TOLERANCE = 1e-6f;

  private final ConvTransposePlan plan;
  private final ConvTransposeSpec spec;
  private final float[] bias;
  private final BorderMode border;
  private final RowKernel kernel;
  private final AxisTaps xt;
  /** Channels processed together: C for an interleaved 8-bit frame, else 1. */
  private final int lanesC;
  private final int hPeriod;
  private final int hPatternLength;
  private final float[] hPatterns;
  private final int vPatternLength;
  /** Vertical weight patterns per (lane group, ky), then one bias pattern per lane group. */
  private final float[] vPatterns;
  private final int biasOffset;
  private final int tileW;
  private final int tileH;
  private final int maxRows;
  private final Tiles<Workspace> tiles;

  /**
   * @param u per channel the vertical factor [C][kH]; @param v the horizontal factor [C][kW]
   * @param interleaved true to process all channels together as interleaved rows
   */
  SeparableConvTranspose(ConvTransposePlan plan, float[][] u, float[][] v, float[] bias,
      BorderMode border, RowKernel kernel, boolean interleaved) {
    this.plan = plan;
    this.spec = plan.spec();
    this.bias = bias;
    this.border = border;
    this.kernel = kernel;
    this.xt = new AxisTaps(spec.stride().w(), spec.dilation().w(), spec.kernel().w(),
        plan.crop().left());
    this.lanesC = interleaved ? spec.inChannels() : 1;
    int groupsOfLanes = spec.inChannels() / lanesC;
    this.hPeriod = xt.period(lanesC);
    this.hPatternLength = hPeriod + kernel.lanes() - 1;
    this.hPatterns = new float[groupsOfLanes * xt.taps * hPatternLength];
    int r0 = xt.firstPhase();
    for (int g = 0; g < groupsOfLanes; g++) {
      for (int t = 0; t < xt.taps; t++) {
        for (int e = 0; e < hPatternLength; e++) {
          int c = g * lanesC + e % lanesC;
          int kx = xt.kernelIndex(t, (e / lanesC + r0) % xt.stride);
          hPatterns[(g * xt.taps + t) * hPatternLength + e] = kx < 0 ? 0f : v[c][kx];
        }
      }
    }
    int kh = spec.kernel().h();
    this.vPatternLength = lanesC + kernel.lanes() - 1;
    this.biasOffset = groupsOfLanes * kh * vPatternLength;
    this.vPatterns = new float[biasOffset + groupsOfLanes * vPatternLength];
    for (int g = 0; g < groupsOfLanes; g++) {
      for (int e = 0; e < vPatternLength; e++) {
        int c = g * lanesC + e % lanesC;
        for (int ky = 0; ky < kh; ky++) {
          vPatterns[(g * kh + ky) * vPatternLength + e] = u[c][ky];
        }
        vPatterns[biasOffset + g * vPatternLength + e] = bias == null ? 0f : bias[c];
      }
    }
    int unit = xt.stride * kernel.lanes();
    this.tileW = Math.min((TILE_COLS + unit - 1) / unit * unit,
        (plan.outW() + xt.stride - 1) / xt.stride * xt.stride);
    this.tileH = Math.min(TILE_ROWS, plan.outH());
    this.maxRows = (tileH - 1 + (kh - 1) * spec.dilation().h()) / spec.stride().h() + 2;
    this.tiles = new Tiles<>(tileH, tileW, plan.outW(), groupsOfLanes, Workspace::new);
  }

  /** Depthwise, one input and one output channel per group, a row axis the row form handles. */
  static boolean applies(ConvTransposeSpec spec) {
    return spec.groups() == spec.inChannels() && spec.groups() == spec.outChannels()
        && AxisTaps.supported(spec.stride().w(), spec.dilation().w());
  }

  /**
   * The rank-1 factors of each channel's kernel, {@code {u[C][kH], v[C][kW]}}, or null if some
   * channel is not of rank 1 (to within float rounding).
   */
  static float[][][] factor(Tensor w) {
    int ch = w.n();
    int kh = w.h();
    int kw = w.w();
    float[][] u = new float[ch][kh];
    float[][] v = new float[ch][kw];
    for (int c = 0; c < ch; c++) {
      int py = 0;
      int px = 0;
      float max = 0f;
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          float a = Math.abs(w.get(c, 0, y, x));
          if (a > max) {
            max = a;
            py = y;
            px = x;
          }
        }
      }
      if (max == 0f) {
        continue; // an all-zero kernel factors as zeros
      }
      float pivot = w.get(c, 0, py, px);
      for (int x = 0; x < kw; x++) {
        v[c][x] = w.get(c, 0, py, x);
      }
      for (int y = 0; y < kh; y++) {
        u[c][y] = w.get(c, 0, y, px) / pivot;
      }
      for (int y = 0; y < kh; y++) {
        for (int x = 0; x < kw; x++) {
          if (Math.abs(u[c][y] * v[c][x] - w.get(c, 0, y, x)) > RANK1_TOLERANCE * max) {
            return null;
          }
        }
      }
    }
    return new float[][][] {u, v};
  }

  int channelsTogether() {
    return lanesC;
  }

  void run(FrameRows io, Parallelism par) {
    long work = (long) tileH * tileW * lanesC * (xt.taps + spec.kernel().h());
    tiles.run(io, par, work, (ws, b, g, oy0, oy1, ox0, ox1) -> runTile(io, ws, b, g, oy0, oy1,
        ox0, ox1));
  }

  private void runTile(FrameRows io, Workspace ws, int b, int g, int oy0, int oy1, int ox0,
      int ox1) {
    int sh = spec.stride().h();
    int dh = spec.dilation().h();
    int kh = spec.kernel().h();
    int top = plan.crop().top();
    int len = ox1 - ox0;
    int n = len * lanesC;
    int c0 = g * lanesC;
    int lo = Math.max(0, Math.min(io.inH - 1, Math.floorDiv(oy0 + top - (kh - 1) * dh, sh)));
    int hi = Math.max(0, Math.min(io.inH - 1, Math.floorDiv(oy1 - 1 + top, sh)));
    // Horizontal pass: one filtered row per input row the band needs.
    int mStart = ox0 + xt.crop + xt.minShift();
    int width = len - xt.minShift();
    for (int t = 0; t < xt.taps; t++) {
      ws.srcOff[t] = (xt.shift(t) - xt.minShift()) * lanesC;
      ws.wOff[t] = (g * xt.taps + t) * hPatternLength;
    }
    for (int iy = lo; iy <= hi; iy++) {
      io.expand(b, c0, lanesC, iy, mStart, width, xt.stride, border, ws.expanded, 0, ws.span);
      kernel.taps(ws.expanded, ws.srcOff, hPatterns, ws.wOff, xt.taps, hPeriod, 0f, ws.rows,
          (iy - lo) * n, n);
    }
    // Vertical pass: each output row sums the filtered rows its taps meet.
    // The bias is always the last tap (over a row of ones), in every layout, so that an
    // interleaved 8-bit frame and a float tensor sum in the same order, bit for bit.
    for (int oy = oy0; oy < oy1; oy++) {
      int taps = AxisTaps.rowTaps(oy, sh, dh, kh, top, io.inH, border, ws.kk, ws.in);
      for (int q = 0; q < taps; q++) {
        ws.srcOff[q] = (ws.in[q] - lo) * n;
        ws.wOff[q] = (g * kh + ws.kk[q]) * vPatternLength;
      }
      if (bias != null) {
        ws.srcOff[taps] = ws.onesOffset;
        ws.wOff[taps] = biasOffset + g * vPatternLength;
        taps++;
      }
      if (lanesC == 1 && io.floatOutput()) {
        kernel.taps(ws.rows, ws.srcOff, vPatterns, ws.wOff, taps, 1, 0f,
            io.floatOut.data(), io.outIndex(b, c0, oy, ox0), len);
      } else {
        kernel.taps(ws.rows, ws.srcOff, vPatterns, ws.wOff, taps, lanesC, 0f, ws.out, 0,
            n);
        if (lanesC == 1) {
          io.storeU8(kernel, ws.out, 0, c0, oy, ox0, len);
        } else {
          io.storeU8Interleaved(kernel, ws.out, 0, oy, ox0, n);
        }
      }
    }
  }

  /** Per-thread scratch, sized by the tile and reused across calls. */
  private final class Workspace {
    final int n = tileW * lanesC;
    final float[] expanded = new float[(tileW - xt.minShift()) * lanesC];
    final float[] span = new float[((tileW - xt.minShift()) / xt.stride + 2) * lanesC];
    /** Filtered rows, then (for a per-channel bias) one row of ones. */
    final float[] rows = new float[(maxRows + 1) * n];
    final int onesOffset = maxRows * n;
    final float[] out = new float[n];
    final int[] srcOff = new int[Math.max(xt.taps, spec.kernel().h() + 1)];
    final int[] wOff = new int[Math.max(xt.taps, spec.kernel().h() + 1)];
    final int[] kk = new int[spec.kernel().h()];
    final int[] in = new int[spec.kernel().h()];

    Workspace() {
      java.util.Arrays.fill(rows, onesOffset, rows.length, 1f);
    }
  }
}
