package dev.upsampler.engine;

import java.util.Arrays;

/**
 * The data movement that turns a network's convolutions into {@link Gemm} products, on planes
 * stored channel after channel ({@code [C][h][w]}, one image):
 *
 * <ul>
 *   <li>a stride-1 {@code k x k} convolution with zero "same" padding reads its input as columns
 *       {@code cols[(c, ky, kx)][y, x] = x[c][y + ky - k/2][x + kx - k/2]} ({@link #expand});
 *   <li>a transposed convolution computes {@code Z[(m, ky, kx)][iy, ix]} by GEMM and scatters it
 *       to {@code y[m][iy*s + ky*d - top][ix*s + kx*d - left]} ({@link #scatter}, the canonical
 *       form of SEMANTICS.md); its backward gathers the output gradient the same way ({@link
 *       #gather}).
 * </ul>
 */
public final class Im2col {
  private Im2col() {}

  /**
   * Columns of a same-padded {@code k x k} convolution: {@code cols} holds {@code c*k*k*h*w}.
   * Column row (ci, ky, kx) holds the plane shifted by (ky - k/2, kx - k/2), zeros outside; the
   * zeros at a row's ends are at most k/2 values, written one by one (a call to fill them cost
   * a tenth of a training step).
   */
  public static void expand(float[] x, int xOff, int c, int h, int w, int k, float[] cols) {
    int r = k / 2;
    int plane = h * w;
    for (int ci = 0; ci < c; ci++) {
      for (int ky = 0; ky < k; ky++) {
        // rows y0..y1 read the plane (y + ky - r inside it), the others are zeros
        int y0 = Math.min(h, Math.max(0, r - ky));
        int y1 = Math.max(y0, Math.min(h, h + r - ky));
        for (int kx = 0; kx < k; kx++) {
          int row = ((ci * k + ky) * k + kx) * plane;
          int dx = kx - r;
          int x0 = Math.min(w, Math.max(0, -dx));
          int x1 = Math.max(x0, Math.min(w, w - dx));
          Arrays.fill(cols, row, row + y0 * w, 0f);
          for (int y = y0; y < y1; y++) {
            int col = row + y * w;
            for (int xx = 0; xx < x0; xx++) {
              cols[col + xx] = 0f;
            }
            if (x1 > x0) {
              System.arraycopy(x, xOff + ci * plane + (y + ky - r) * w + dx + x0, cols,
                  col + x0, x1 - x0);
            }
            for (int xx = x1; xx < w; xx++) {
              cols[col + xx] = 0f;
            }
          }
          Arrays.fill(cols, row + y1 * w, row + plane, 0f);
        }
      }
    }
  }

  /**
   * Adds {@code z[(m, ky, kx)][iy][ix]} (input size {@code plan.inH() x plan.inW()}) into {@code
   * y[m][oy][ox]} (output size of the plan) at {@code oy = iy*s + ky*d - top}; rows that fall
   * outside are the crop. Groups of 1 only.
   */
  public static void scatter(ConvTransposePlan plan, float[] z, float[] y, int yOff) {
    walk(plan, z, y, yOff, true);
  }

  /** The adjoint of {@link #scatter}: {@code z[(m, ky, kx)][iy][ix] = y[m][oy][ox]}, 0 outside. */
  public static void gather(ConvTransposePlan plan, float[] y, int yOff, float[] z) {
    walk(plan, z, y, yOff, false);
  }

  private static void walk(ConvTransposePlan plan, float[] z, float[] y, int yOff,
      boolean scatter) {
    ConvTransposeSpec s = plan.spec();
    if (s.groups() != 1) {
      throw new IllegalArgumentException("groups must be 1 here, got " + s.groups());
    }
    int kh = s.kernel().h();
    int kw = s.kernel().w();
    int sh = s.stride().h();
    int sw = s.stride().w();
    int dh = s.dilation().h();
    int dw = s.dilation().w();
    int inH = plan.inH();
    int inW = plan.inW();
    int outH = plan.outH();
    int outW = plan.outW();
    int top = plan.crop().top();
    int left = plan.crop().left();
    for (int m = 0; m < s.outChannels(); m++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int row = ((m * kh + ky) * kw + kx) * inH * inW;
          int shiftX = kx * dw - left;
          // ix with 0 <= ix*sw + shiftX < outW
          int ix0 = Math.max(0, ceilDiv(-shiftX, sw));
          int ix1 = Math.min(inW, ceilDiv(outW - shiftX, sw));
          for (int iy = 0; iy < inH; iy++) {
            int oy = iy * sh + ky * dh - top;
            int zr = row + iy * inW;
            if (oy < 0 || oy >= outH || ix1 <= ix0) {
              if (!scatter) {
                Arrays.fill(z, zr, zr + inW, 0f);
              }
              continue;
            }
            int yr = yOff + (m * outH + oy) * outW + shiftX;
            if (scatter) {
              for (int ix = ix0; ix < ix1; ix++) {
                y[yr + ix * sw] += z[zr + ix];
              }
            } else {
              Arrays.fill(z, zr, zr + ix0, 0f);
              for (int ix = ix0; ix < ix1; ix++) {
                z[zr + ix] = y[yr + ix * sw];
              }
              Arrays.fill(z, zr + ix1, zr + inW, 0f);
            }
          }
        }
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }
}
