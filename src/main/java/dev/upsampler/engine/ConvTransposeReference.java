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
    compute(plan, x, weights, bias, out, BorderMode.ZERO);
  }

  /**
   * The same with a border mode. {@link BorderMode#REPLICATE} pads the input explicitly with as
   * many copies of its edges as any output can reach, and moves the crop by as many strides.
   */
  public static void compute(ConvTransposePlan plan, Tensor x, Tensor weights, float[] bias,
      Tensor out, BorderMode border) {
    if (border == BorderMode.REPLICATE) {
      Replicated r = Replicated.of(plan, x);
      scatter(r.plan(), r.input(), weights, bias, out);
    } else {
      scatter(plan, x, weights, bias, out);
    }
  }

  /**
   * The input padded with copies of its edges, as far as any output reaches, and the plan over
   * it (the crop moved by as many strides): a replicated border as an ordinary zero-border case.
   */
  record Replicated(Tensor input, ConvTransposePlan plan, int top, int left) {
    static Replicated of(ConvTransposePlan plan, Tensor x) {
      int[] padH = reach(plan, 0);
      int[] padW = reach(plan, 1);
      Tensor padded = replicate(x, padH[0], padH[1], padW[0], padW[1]);
      ConvTransposeSpec s = plan.spec();
      Crop c = plan.crop();
      ConvTransposePlan moved = new ConvTransposePlan(s, padded.h(), padded.w(), plan.outH(),
          plan.outW(), new Crop(c.top() + padH[0] * s.stride().h(),
              c.left() + padW[0] * s.stride().w(), c.bottom() + padH[1] * s.stride().h(),
              c.right() + padW[1] * s.stride().w()));
      return new Replicated(padded, moved, padH[0], padW[0]);
    }
  }

  /** Input indices outside [0, n) that some output reaches: {before, after} on one axis. */
  private static int[] reach(ConvTransposePlan plan, int axis) {
    ConvTransposeSpec s = plan.spec();
    int stride = s.stride().get(axis);
    int span = (s.kernel().get(axis) - 1) * s.dilation().get(axis);
    int crop = plan.crop().begin(axis);
    int n = axis == 0 ? plan.inH() : plan.inW();
    int out = axis == 0 ? plan.outH() : plan.outW();
    int first = Math.floorDiv(crop - span, stride);
    int last = Math.floorDiv(out - 1 + crop, stride);
    return new int[] {Math.max(0, -first), Math.max(0, last - (n - 1))};
  }

  private static Tensor replicate(Tensor x, int top, int bottom, int left, int right) {
    Tensor p = Tensor.zeros(x.n(), x.c(), x.h() + top + bottom, x.w() + left + right);
    for (int b = 0; b < p.n(); b++) {
      for (int c = 0; c < p.c(); c++) {
        for (int y = 0; y < p.h(); y++) {
          for (int xx = 0; xx < p.w(); xx++) {
            int sy = Math.min(Math.max(y - top, 0), x.h() - 1);
            int sx = Math.min(Math.max(xx - left, 0), x.w() - 1);
            p.set(b, c, y, xx, x.get(b, c, sy, sx));
          }
        }
      }
    }
    return p;
  }

  private static void scatter(
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
