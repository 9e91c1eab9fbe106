package dev.upsampler.engine;

/**
 * The fast transposed convolution for any channels and groups: polyphase in both axes, tiled over
 * the output, SIMD along the row. Prepared once per plan; {@link #run} may be called concurrently.
 *
 * <p>Per output tile and channel group, the input rows the tile needs (its halo: rows {@code
 * floor((oy + crop - (kH-1)dH) / sH)} to {@code floor((oy + crop) / sH)}, and the matching
 * columns) are expanded once into a tile-sized scratch ({@link AxisTaps}); each output row is then
 * one call of {@link RowKernel#taps} over a flat list of (channel, ky, tx) taps:
 *
 * <pre>
 *   y[b, co, oy, ox] = bias[co] + sum over c in group, ky with (oy + top - ky*dH) % sH == 0, tx:
 *       xe[c, (oy + top - ky*dH) / sH][ox + left - sW*tx] * W[c, co % Mg, ky, phase(ox) + sW*tx]
 * </pre>
 *
 * Interior and border tiles run the same loop: the border lives in the expanded rows (zeros or
 * replicated edges) and in the row tap lists, never in the inner loop. No multiplication ever
 * meets an inserted zero; where the kernel size is not a multiple of the stride, the phases with
 * fewer taps multiply by a zero weight in their lanes.
 */
final class DenseConvTranspose {
  /** Scratch budget per tile: expanded input rows of one channel group. */
  private static final int TILE_BYTES = 384 * 1024;
  private static final int MAX_TILE_ROWS = 64;

  private final ConvTransposePlan plan;
  private final ConvTransposeSpec spec;
  private final float[] bias;
  private final BorderMode border;
  private final RowKernel kernel;
  private final AxisTaps xt;
  private final int period;
  private final int patternLength;
  private final float[] patterns;
  private final int tileW;
  private final int tileH;
  private final int rowLen;
  private final int maxRows;
  private final int maxTaps;
  private final Tiles<Workspace> tiles;

  DenseConvTranspose(ConvTransposePlan plan, Tensor weights, float[] bias, BorderMode border,
      RowKernel kernel) {
    this.plan = plan;
    this.spec = plan.spec();
    this.bias = bias;
    this.border = border;
    this.kernel = kernel;
    this.xt = new AxisTaps(spec.stride().w(), spec.dilation().w(), spec.kernel().w(),
        plan.crop().left());
    this.period = xt.period(1);
    this.patternLength = period + kernel.lanes() - 1;
    this.patterns = buildPatterns(weights);
    int cg = spec.inPerGroup();
    int unit = xt.stride * kernel.lanes();
    int wanted = cg >= 16 ? 128 : 512;
    this.tileW = Math.min(roundUp(wanted, unit), roundUp(plan.outW(), xt.stride));
    this.rowLen = tileW - xt.minShift();
    int sh = spec.stride().h();
    int spanRows = ((spec.kernel().h() - 1) * spec.dilation().h()) / sh + 2;
    int budgetRows = Math.max(spanRows + 1, TILE_BYTES / (4 * cg * rowLen));
    this.tileH = Math.max(1, Math.min(MAX_TILE_ROWS, (budgetRows - spanRows) * sh));
    this.maxRows = (tileH - 1 + (spec.kernel().h() - 1) * spec.dilation().h()) / sh + 2;
    this.maxTaps = cg * spec.kernel().h() * xt.taps;
    this.tiles = new Tiles<>(tileH, tileW, plan.outW(), 1, Workspace::new);
  }

  static boolean supports(ConvTransposeSpec spec) {
    return AxisTaps.supported(spec.stride().w(), spec.dilation().w());
  }

  private static int roundUp(int v, int unit) {
    return (v + unit - 1) / unit * unit;
  }

  /** One weight pattern per (c_in, m, ky, tx): W by output phase, repeated to a vector's end. */
  private float[] buildPatterns(Tensor w) {
    int kh = spec.kernel().h();
    float[] p = new float[spec.inChannels() * spec.outPerGroup() * kh * xt.taps * patternLength];
    int r0 = xt.firstPhase();
    int o = 0;
    for (int c = 0; c < spec.inChannels(); c++) {
      for (int m = 0; m < spec.outPerGroup(); m++) {
        for (int ky = 0; ky < kh; ky++) {
          for (int t = 0; t < xt.taps; t++) {
            for (int u = 0; u < patternLength; u++) {
              int kx = xt.kernelIndex(t, (u + r0) % xt.stride);
              p[o++] = kx < 0 ? 0f : w.get(c, m, ky, kx);
            }
          }
        }
      }
    }
    return p;
  }

  private int patternIndex(int c, int m, int ky, int t) {
    return (((c * spec.outPerGroup() + m) * spec.kernel().h() + ky) * xt.taps + t)
        * patternLength;
  }

  int tileWidth() {
    return tileW;
  }

  int tileHeight() {
    return tileH;
  }

  /** Computes the rows {@code io} asks for; tiles are spread over {@code par}. */
  void run(FrameRows io, Parallelism par) {
    long work = (long) tileH * tileW * spec.outChannels() * maxTaps;
    tiles.run(io, par, work, (ws, b, g, oy0, oy1, ox0, ox1) -> runTile(io, ws, b, oy0, oy1, ox0,
        ox1));
  }

  private void runTile(FrameRows io, Workspace ws, int b, int oy0, int oy1, int ox0, int ox1) {
    int sh = spec.stride().h();
    int dh = spec.dilation().h();
    int kh = spec.kernel().h();
    int top = plan.crop().top();
    int cg = spec.inPerGroup();
    int mg = spec.outPerGroup();
    int len = ox1 - ox0;
    int mStart = ox0 + xt.crop + xt.minShift();
    int width = len - xt.minShift();
    // Input rows this tile needs, clipped to the image (REPLICATE clamps into the same range).
    int lo = Math.max(0, Math.min(io.inH - 1, Math.floorDiv(oy0 + top - (kh - 1) * dh, sh)));
    int hi = Math.max(0, Math.min(io.inH - 1, Math.floorDiv(oy1 - 1 + top, sh)));
    int rows = hi - lo + 1;
    for (int g = 0; g < spec.groups(); g++) {
      for (int c = 0; c < cg; c++) {
        for (int r = 0; r < rows; r++) {
          io.expand(b, g * cg + c, 1, lo + r, mStart, width, xt.stride, border, ws.rows,
              (c * rows + r) * rowLen, ws.span);
        }
      }
      for (int m = 0; m < mg; m++) {
        int co = g * mg + m;
        float bv = bias == null ? 0f : bias[co];
        for (int oy = oy0; oy < oy1; oy++) {
          int n = AxisTaps.rowTaps(oy, sh, dh, kh, top, io.inH, border, ws.kk, ws.in);
          int taps = 0;
          for (int c = 0; c < cg; c++) {
            for (int q = 0; q < n; q++) {
              int base = (c * rows + ws.in[q] - lo) * rowLen - xt.minShift();
              int pat = patternIndex(g * cg + c, m, ws.kk[q], 0);
              for (int t = 0; t < xt.taps; t++) {
                ws.srcOff[taps] = base + xt.shift(t);
                ws.wOff[taps] = pat + t * patternLength;
                taps++;
              }
            }
          }
          if (io.floatOutput()) {
            kernel.taps(ws.rows, ws.srcOff, patterns, ws.wOff, taps, period, bv,
                io.floatOut.data(), io.outIndex(b, co, oy, ox0), len);
          } else {
            kernel.taps(ws.rows, ws.srcOff, patterns, ws.wOff, taps, period, bv, ws.out, 0, len);
            io.storeU8(kernel, ws.out, 0, co, oy, ox0, len);
          }
        }
      }
    }
  }

  /** Per-thread scratch, sized by the tile (not the image) and reused across calls. */
  private final class Workspace {
    final float[] rows = new float[spec.inPerGroup() * maxRows * rowLen];
    final float[] out = new float[tileW];
    final float[] span = new float[rowLen / xt.stride + 2];
    final int[] srcOff = new int[maxTaps];
    final int[] wOff = new int[maxTaps];
    final int[] kk = new int[spec.kernel().h()];
    final int[] in = new int[spec.kernel().h()];
  }
}
