package dev.upsampler.image;

/**
 * The low-resolution input of the super-resolution literature: the ground truth cropped to a
 * multiple of the scale, then downscaled as MATLAB's {@code imresize(hr, 1/s, 'bicubic')} does:
 * cubic kernel with a = -0.5 stretched by the scale (antialiasing), half-pixel centres, weights
 * normalised per output pixel, edges replicated. Rounded half up to the frame's depth.
 */
public final class Degradation {
  private Degradation() {}

  /** The frame cropped (top-left kept) to multiples of {@code sx} and {@code sy}. */
  public static Frame cropToMultiple(Frame f, int sx, int sy) {
    int w = f.width() / sx * sx;
    int h = f.height() / sy * sy;
    if (w == f.width() && h == f.height()) {
      return f;
    }
    if (w < sx || h < sy) {
      throw new IllegalArgumentException(f.info().sourceName() + ": " + f.width() + "x"
          + f.height() + " is smaller than the scale");
    }
    Frame out = Frame.blank(f.layout(), w, h, f.info());
    int ch = f.layout().channels();
    for (int y = 0; y < h; y++) {
      if (f.bytes() != null) {
        System.arraycopy(f.bytes(), y * f.width() * ch, out.bytes(), y * w * ch, w * ch);
      } else {
        System.arraycopy(f.shorts(), y * f.width() * ch, out.shorts(), y * w * ch, w * ch);
      }
    }
    return out;
  }

  /** MATLAB-style bicubic downscaling by integer factors (the frame must divide evenly). */
  public static Frame downscale(Frame f, int sx, int sy) {
    return resize(f, f.width() / sx, f.height() / sy);
  }

  /**
   * MATLAB-style bicubic resizing to {@code w x h}, each no larger than the frame's side (a
   * downscale by any factor, antialiased as {@code imresize(f, [h w], 'bicubic')} does; the
   * side's own size leaves it unchanged).
   */
  public static Frame resize(Frame f, int w, int h) {
    if (w < 1 || h < 1 || w > f.width() || h > f.height()) {
      throw new IllegalArgumentException(f.info().sourceName() + ": " + f.width() + "x"
          + f.height() + " cannot be downscaled to " + w + "x" + h);
    }
    int ch = f.layout().channels();
    double[][] wx = weights(f.width(), w, (double) f.width() / w);
    double[][] wy = weights(f.height(), h, (double) f.height() / h);
    double[] rows = new double[f.height() * w * ch];
    for (int y = 0; y < f.height(); y++) {
      for (int x = 0; x < w; x++) {
        int first = (int) wx[x][0];
        for (int c = 0; c < ch; c++) {
          double s = 0;
          for (int t = 1; t < wx[x].length; t++) {
            int xi = clamp(first + t - 1, f.width());
            s += wx[x][t] * f.sample(xi, y, c);
          }
          rows[(y * w + x) * ch + c] = s;
        }
      }
    }
    Frame out = Frame.blank(f.layout(), w, h, f.info());
    int max = f.layout().maxValue();
    for (int y = 0; y < h; y++) {
      int first = (int) wy[y][0];
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < ch; c++) {
          double s = 0;
          for (int t = 1; t < wy[y].length; t++) {
            int yi = clamp(first + t - 1, f.height());
            s += wy[y][t] * rows[(yi * w + x) * ch + c];
          }
          int v = (int) Math.floor(s + 0.5);
          v = Math.max(0, Math.min(max, v));
          int i = (y * w + x) * ch + c;
          if (out.bytes() != null) {
            out.bytes()[i] = (byte) v;
          } else {
            out.shorts()[i] = (short) v;
          }
        }
      }
    }
    return out;
  }

  private static int clamp(int i, int n) {
    return Math.max(0, Math.min(n - 1, i));
  }

  /**
   * Per output: {first input index, weights...}, normalised to sum 1: the cubic stretched by the
   * factor {@code s} = n / out (antialiasing), centred where the output pixel's centre falls.
   */
  private static double[][] weights(int n, int out, double s) {
    double[][] w = new double[out][];
    for (int o = 0; o < out; o++) {
      double centre = (o + 0.5) * s - 0.5;
      int first = (int) Math.floor(centre - 2 * s) + 1;
      int last = (int) Math.ceil(centre + 2 * s) - 1;
      double[] row = new double[last - first + 2];
      row[0] = first;
      double sum = 0;
      for (int i = first; i <= last; i++) {
        double v = cubic((i - centre) / s) / s;
        row[i - first + 1] = v;
        sum += v;
      }
      for (int k = 1; k < row.length; k++) {
        row[k] /= sum;
      }
      w[o] = row;
    }
    return w;
  }

  /** MATLAB's cubic (a = -0.5). */
  private static double cubic(double x) {
    double a = Math.abs(x);
    if (a <= 1) {
      return 1.5 * a * a * a - 2.5 * a * a + 1;
    }
    return a < 2 ? -0.5 * a * a * a + 2.5 * a * a - 4 * a + 2 : 0;
  }
}
