package dev.upsampler.engine;

/**
 * The oracle: the transposed convolution as the literal scatter of the canonical form, accumulated
 * in double precision. Every fast path is tested against it. It favours clarity over speed and
 * assumes arguments already checked by {@link ConvTranspose}.
 *
 * <pre>
 *   for every input pixel x[b, g*Cg + c, iy, ix] and kernel tap W[g*Cg + c, m, ky, kx]:
 *     oy = iy*sH + ky*dH - crop.top;  ox = ix*sW + kx*dW - crop.left
 *     if (oy, ox) inside the output: y[b, g*Mg + m, oy, ox] += x * W
 *   y += bias[channel]
 * </pre>
 */
public final class ConvTransposeReference {
  private ConvTransposeReference() {}

  /** Writes {@code convT(x)} into {@code out}, which has the plan's output shape. */
  public static void compute(
      ConvTransposePlan plan, Tensor x, Tensor weights, float[] bias, Tensor out) {
    ConvTransposeSpec spec = plan.spec();
    int cg = spec.inPerGroup();
    int mg = spec.outPerGroup();
    int kh = spec.kernel().h();
    int kw = spec.kernel().w();
    int sh = spec.stride().h();
    int sw = spec.stride().w();
    int dh = spec.dilation().h();
    int dw = spec.dilation().w();
    int top = plan.crop().top();
    int left = plan.crop().left();
    int outH = plan.outH();
    int outW = plan.outW();
    double[] acc = new double[spec.outChannels() * outH * outW];

    for (int b = 0; b < x.n(); b++) {
      java.util.Arrays.fill(acc, 0.0);
      for (int g = 0; g < spec.groups(); g++) {
        for (int c = 0; c < cg; c++) {
          int ci = g * cg + c;
          for (int iy = 0; iy < plan.inH(); iy++) {
            for (int ix = 0; ix < plan.inW(); ix++) {
              double xv = x.get(b, ci, iy, ix);
              for (int m = 0; m < mg; m++) {
                int co = g * mg + m;
                for (int ky = 0; ky < kh; ky++) {
                  int oy = iy * sh + ky * dh - top;
                  if (oy < 0 || oy >= outH) {
                    continue;
                  }
                  for (int kx = 0; kx < kw; kx++) {
                    int ox = ix * sw + kx * dw - left;
                    if (ox >= 0 && ox < outW) {
                      acc[(co * outH + oy) * outW + ox] += xv * weights.get(ci, m, ky, kx);
                    }
                  }
                }
              }
            }
          }
        }
      }
      for (int co = 0; co < spec.outChannels(); co++) {
        double bv = bias == null ? 0.0 : bias[co];
        for (int oy = 0; oy < outH; oy++) {
          for (int ox = 0; ox < outW; ox++) {
            out.set(b, co, oy, ox, (float) (acc[(co * outH + oy) * outW + ox] + bv));
          }
        }
      }
    }
  }
}
