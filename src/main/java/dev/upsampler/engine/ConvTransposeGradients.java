package dev.upsampler.engine;

/**
 * The gradients of a transposed convolution {@code y = convT(x; W) + b}, given {@code g =
 * dL/dy}: with respect to the weights, the bias and the input. Written as the adjoint of {@link
 * ConvTransposeReference}'s scatter, loop for loop and in double precision, so both share one
 * geometry (crop, stride, dilation, groups, and {@link BorderMode#REPLICATE}, whose padded
 * copies pass their gradient back to the edge pixel they copy).
 *
 * <pre>
 *   for every (x[b, ci, iy, ix], W[ci, m, ky, kx]) pair the forward pass adds to y[b, co, oy, ox]:
 *     dW[ci, m, ky, kx] += x[b, ci, iy, ix] * g[b, co, oy, ox]
 *     dx[b, ci, iy, ix] += W[ci, m, ky, kx] * g[b, co, oy, ox]
 *   db[co] = sum of g[b, co, :, :]
 * </pre>
 *
 * The input's gradient is a strided convolution of {@code g} with {@code W} (the forward
 * convolution the transposed one is the adjoint of).
 */
public final class ConvTransposeGradients {
  private ConvTransposeGradients() {}

  /** dL/dW (the weights' shape), dL/db (per output channel), dL/dx (the input's shape). */
  public record Result(Tensor weights, float[] bias, Tensor input) {}

  public static Result compute(ConvTransposePlan plan, Tensor x, Tensor weights, Tensor g,
      BorderMode border) {
    ConvTransposeSpec spec = plan.spec();
    if (g.n() != x.n() || g.c() != spec.outChannels() || g.h() != plan.outH()
        || g.w() != plan.outW()) {
      throw new ShapeException("gradient shape " + g.shapeString() + " is not the output's "
          + x.n() + "x" + spec.outChannels() + "x" + plan.outH() + "x" + plan.outW());
    }
    if (border != BorderMode.REPLICATE) {
      double[][] r = adjoint(plan, x, weights, g);
      return result(spec, weights, x, r, g);
    }
    ConvTransposeReference.Replicated rep = ConvTransposeReference.Replicated.of(plan, x);
    Tensor padded = rep.input();
    double[][] r = adjoint(rep.plan(), padded, weights, g);
    // Fold the padded input's gradient back onto the pixels the padding copied.
    double[] dx = new double[x.n() * x.c() * x.h() * x.w()];
    for (int b = 0; b < padded.n(); b++) {
      for (int ci = 0; ci < padded.c(); ci++) {
        for (int y = 0; y < padded.h(); y++) {
          int sy = Math.min(Math.max(y - rep.top(), 0), x.h() - 1);
          for (int xx = 0; xx < padded.w(); xx++) {
            int sx = Math.min(Math.max(xx - rep.left(), 0), x.w() - 1);
            dx[((b * x.c() + ci) * x.h() + sy) * x.w() + sx] +=
                r[1][((b * padded.c() + ci) * padded.h() + y) * padded.w() + xx];
          }
        }
      }
    }
    return result(spec, weights, x, new double[][] {r[0], dx}, g);
  }

  /** {dW, dx} over the plan's (possibly padded) input. */
  private static double[][] adjoint(ConvTransposePlan plan, Tensor x, Tensor weights,
      Tensor g) {
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
    double[] dW = new double[weights.n() * weights.c() * kh * kw];
    double[] dx = new double[x.n() * x.c() * plan.inH() * plan.inW()];
    for (int b = 0; b < x.n(); b++) {
      for (int gr = 0; gr < spec.groups(); gr++) {
        for (int c = 0; c < cg; c++) {
          int ci = gr * cg + c;
          for (int iy = 0; iy < plan.inH(); iy++) {
            for (int ix = 0; ix < plan.inW(); ix++) {
              double xv = x.get(b, ci, iy, ix);
              double dxv = 0;
              for (int m = 0; m < mg; m++) {
                int co = gr * mg + m;
                for (int ky = 0; ky < kh; ky++) {
                  int oy = iy * sh + ky * dh - top;
                  if (oy < 0 || oy >= outH) {
                    continue;
                  }
                  for (int kx = 0; kx < kw; kx++) {
                    int ox = ix * sw + kx * dw - left;
                    if (ox >= 0 && ox < outW) {
                      double gv = g.get(b, co, oy, ox);
                      dW[((ci * mg + m) * kh + ky) * kw + kx] += xv * gv;
                      dxv += weights.get(ci, m, ky, kx) * gv;
                    }
                  }
                }
              }
              dx[((b * x.c() + ci) * plan.inH() + iy) * plan.inW() + ix] = dxv;
            }
          }
        }
      }
    }
    return new double[][] {dW, dx};
  }

  private static Result result(ConvTransposeSpec spec, Tensor weights, Tensor x, double[][] r,
      Tensor g) {
    Tensor dW = Tensor.zeros(weights.n(), weights.c(), weights.h(), weights.w());
    for (int i = 0; i < r[0].length; i++) {
      dW.data()[i] = (float) r[0][i];
    }
    Tensor dx = Tensor.zeros(x.n(), x.c(), x.h(), x.w());
    for (int i = 0; i < r[1].length; i++) {
      dx.data()[i] = (float) r[1][i];
    }
    float[] db = new float[spec.outChannels()];
    for (int b = 0; b < g.n(); b++) {
      for (int co = 0; co < g.c(); co++) {
        double s = 0;
        for (int y = 0; y < g.h(); y++) {
          for (int xx = 0; xx < g.w(); xx++) {
            s += g.get(b, co, y, xx);
          }
        }
        db[co] += (float) s;
      }
    }
    return new Result(dW, db, dx);
  }
}
