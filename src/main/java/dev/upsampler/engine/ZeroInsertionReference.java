package dev.upsampler.engine;

/**
 * The original write-up's form of the transposed convolution, kept as a second, independent
 * oracle: insert {@code s - 1} zeros between input samples, pad {@code k_eff - 1 - crop_begin}
 * before and {@code k_eff - 1 - crop_end} after (a negative pad crops), then run a stride-1
 * correlation with the kernel rotated by 180 degrees and the channel roles swapped.
 *
 * <p>It spends {@code (s^2 - 1) / s^2} of its multiplications on inserted zeros: a readable
 * oracle and the "naive" benchmark baseline, never a fast path. Accumulates in double precision.
 */
public final class ZeroInsertionReference {
  private ZeroInsertionReference() {}

  /** Writes {@code convT(x)} into {@code out}, which has the plan's output shape. */
  public static void compute(
      ConvTransposePlan plan, Tensor x, Tensor weights, float[] bias, Tensor out) {
    ConvTransposeSpec spec = plan.spec();
    int kh = spec.kernel().h();
    int kw = spec.kernel().w();
    int dh = spec.dilation().h();
    int dw = spec.dilation().w();
    int keffH = (kh - 1) * dh + 1;
    int keffW = (kw - 1) * dw + 1;
    // Padded, zero-inserted input: length = output + k_eff - 1 on each axis.
    int padTop = keffH - 1 - plan.crop().top();
    int padLeft = keffW - 1 - plan.crop().left();
    int ph = plan.outH() + keffH - 1;
    int pw = plan.outW() + keffW - 1;
    int cg = spec.inPerGroup();
    int mg = spec.outPerGroup();
    double[][] padded = new double[spec.inChannels()][];

    for (int b = 0; b < x.n(); b++) {
      for (int ci = 0; ci < spec.inChannels(); ci++) {
        padded[ci] = zeroInsertAndPad(x, b, ci, spec.stride(), padTop, padLeft, ph, pw);
      }
      for (int co = 0; co < spec.outChannels(); co++) {
        int g = co / mg;
        int m = co % mg;
        for (int oy = 0; oy < plan.outH(); oy++) {
          for (int ox = 0; ox < plan.outW(); ox++) {
            double sum = 0.0;
            for (int c = 0; c < cg; c++) {
              int ci = g * cg + c;
              double[] p = padded[ci];
              for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                  // rotated kernel: tap (ky, kx) of the correlation meets W[kh-1-ky, kw-1-kx]
                  double wv = weights.get(ci, m, kh - 1 - ky, kw - 1 - kx);
                  sum += p[(oy + ky * dh) * pw + ox + kx * dw] * wv;
                }
              }
            }
            out.set(b, co, oy, ox, (float) (sum + (bias == null ? 0.0 : bias[co])));
          }
        }
      }
    }
  }

  private static double[] zeroInsertAndPad(
      Tensor x, int b, int ci, Size2 stride, int padTop, int padLeft, int ph, int pw) {
    double[] p = new double[ph * pw];
    for (int iy = 0; iy < x.h(); iy++) {
      int y = iy * stride.h() + padTop;
      if (y < 0 || y >= ph) {
        continue;
      }
      for (int ix = 0; ix < x.w(); ix++) {
        int xx = ix * stride.w() + padLeft;
        if (xx >= 0 && xx < pw) {
          p[y * pw + xx] = x.get(b, ci, iy, ix);
        }
      }
    }
    return p;
  }
}
