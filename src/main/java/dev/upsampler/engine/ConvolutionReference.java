package dev.upsampler.engine;

/**
 * The forward (strided, dilated, grouped) convolution that is the adjoint of a planned transposed
 * convolution: {@code <convT(x), y> == <x, conv(y)>} for all x and y. It is also the gradient of
 * the transposed convolution with respect to its input.
 *
 * <pre>
 *   x'[b, g*Cg + c, iy, ix] = sum over m, ky, kx of
 *       y[b, g*Mg + m, iy*sH + ky*dH - crop.top, ix*sW + kx*dW - crop.left] * W[g*Cg + c, m, ky, kx]
 * </pre>
 *
 * (terms whose {@code y} index falls outside the output count as zero). No bias.
 */
public final class ConvolutionReference {
  private ConvolutionReference() {}

  /** Returns {@code conv(y)} with the input's shape {@code [N, C_in, inH, inW]}. */
  public static Tensor compute(ConvTransposePlan plan, Tensor y, Tensor weights) {
    ConvTransposeSpec spec = plan.spec();
    if (y.c() != spec.outChannels() || y.h() != plan.outH() || y.w() != plan.outW()) {
      throw new ShapeException(
          "convolution input " + y.shapeString() + " does not match the plan's output [N, "
              + spec.outChannels() + ", " + plan.outH() + ", " + plan.outW() + "]");
    }
    int cg = spec.inPerGroup();
    int mg = spec.outPerGroup();
    Tensor out = Tensor.zeros(y.n(), spec.inChannels(), plan.inH(), plan.inW());
    for (int b = 0; b < y.n(); b++) {
      for (int ci = 0; ci < spec.inChannels(); ci++) {
        int g = ci / cg;
        for (int iy = 0; iy < plan.inH(); iy++) {
          for (int ix = 0; ix < plan.inW(); ix++) {
            double sum = 0.0;
            for (int m = 0; m < mg; m++) {
              for (int ky = 0; ky < spec.kernel().h(); ky++) {
                int oy = iy * spec.stride().h() + ky * spec.dilation().h() - plan.crop().top();
                if (oy < 0 || oy >= plan.outH()) {
                  continue;
                }
                for (int kx = 0; kx < spec.kernel().w(); kx++) {
                  int ox = ix * spec.stride().w() + kx * spec.dilation().w() - plan.crop().left();
                  if (ox >= 0 && ox < plan.outW()) {
                    sum += (double) y.get(b, g * mg + m, oy, ox) * weights.get(ci, m, ky, kx);
                  }
                }
              }
            }
            out.set(b, ci, iy, ix, (float) sum);
          }
        }
      }
    }
    return out;
  }
}
