package dev.upsampler.image;

/**
 * Image quality as the super-resolution literature measures it: PSNR and SSIM on the luma of
 * ITU-R BT.601 ({@code Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255} on [0, 1] inputs, i.e.
 * MATLAB's {@code rgb2ycbcr}), with {@code crop} pixels removed at each border; and PSNR over all
 * RGB samples. SSIM: Wang et al. 2004, 11x11 Gaussian window (sigma 1.5), K1 0.01, K2 0.03, on the
 * 0..255 scale. Frames are compared at 8 bits (16-bit samples are scaled down).
 */
public final class Quality {
  private Quality() {}

  /** Luma planes of two frames, cropped, on the 0..255 scale. */
  static double[][] luma(Frame f, int crop) {
    int w = f.width() - 2 * crop;
    int h = f.height() - 2 * crop;
    if (w < 1 || h < 1) {
      throw new IllegalArgumentException("crop " + crop + " leaves nothing of " + f.width() + "x"
          + f.height());
    }
    double scale = 255.0 / f.layout().maxValue();
    double[][] y = new double[h][w];
    boolean gray = f.layout().isGray();
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        double red = f.sample(c + crop, r + crop, 0) * scale;
        double g = gray ? red : f.sample(c + crop, r + crop, 1) * scale;
        double b = gray ? red : f.sample(c + crop, r + crop, 2) * scale;
        y[r][c] = gray ? red : 16 + (65.481 * red + 128.553 * g + 24.966 * b) / 255;
      }
    }
    return y;
  }

  static void sameSize(Frame a, Frame b) {
    if (a.width() != b.width() || a.height() != b.height()) {
      throw new IllegalArgumentException("reference " + a.width() + "x" + a.height()
          + " and candidate " + b.width() + "x" + b.height() + " differ in size");
    }
  }

  /** PSNR of the BT.601 luma in dB (infinite for identical images). */
  public static double psnrY(Frame ref, Frame cand, int crop) {
    sameSize(ref, cand);
    double[][] a = luma(ref, crop);
    double[][] b = luma(cand, crop);
    double se = 0;
    for (int r = 0; r < a.length; r++) {
      for (int c = 0; c < a[0].length; c++) {
        double d = a[r][c] - b[r][c];
        se += d * d;
      }
    }
    return psnr(se / ((double) a.length * a[0].length));
  }

  /** PSNR over all colour samples (alpha excluded) in dB. */
  public static double psnrRgb(Frame ref, Frame cand, int crop) {
    sameSize(ref, cand);
    int colors = Math.min(ref.layout().colorChannels(), cand.layout().colorChannels());
    double sa = 255.0 / ref.layout().maxValue();
    double sb = 255.0 / cand.layout().maxValue();
    double se = 0;
    long n = 0;
    for (int y = crop; y < ref.height() - crop; y++) {
      for (int x = crop; x < ref.width() - crop; x++) {
        for (int c = 0; c < colors; c++) {
          double d = ref.sample(x, y, c) * sa - cand.sample(x, y, c) * sb;
          se += d * d;
          n++;
        }
      }
    }
    return psnr(se / n);
  }

  static double psnr(double mse) {
    return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
  }

  /** Mean SSIM of the BT.601 luma over all valid 11x11 windows. */
  public static double ssimY(Frame ref, Frame cand, int crop) {
    sameSize(ref, cand);
    double[][] a = luma(ref, crop);
    double[][] b = luma(cand, crop);
    int h = a.length;
    int w = a[0].length;
    if (h < 11 || w < 11) {
      throw new IllegalArgumentException("SSIM needs at least 11x11 pixels after cropping, got "
          + w + "x" + h);
    }
    double[] g = new double[11];
    double sum = 0;
    for (int i = 0; i < 11; i++) {
      g[i] = Math.exp(-((i - 5) * (i - 5)) / (2 * 1.5 * 1.5));
      sum += g[i];
    }
    for (int i = 0; i < 11; i++) {
      g[i] /= sum;
    }
    double c1 = Math.pow(0.01 * 255, 2);
    double c2 = Math.pow(0.03 * 255, 2);
    double total = 0;
    for (int y = 0; y + 11 <= h; y++) {
      for (int x = 0; x + 11 <= w; x++) {
        double ma = 0;
        double mb = 0;
        double saa = 0;
        double sbb = 0;
        double sab = 0;
        for (int i = 0; i < 11; i++) {
          for (int j = 0; j < 11; j++) {
            double wt = g[i] * g[j];
            double va = a[y + i][x + j];
            double vb = b[y + i][x + j];
            ma += wt * va;
            mb += wt * vb;
            saa += wt * va * va;
            sbb += wt * vb * vb;
            sab += wt * va * vb;
          }
        }
        double va = saa - ma * ma;
        double vb = sbb - mb * mb;
        double cov = sab - ma * mb;
        total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
      }
    }
    return total / ((double) (h - 10) * (w - 10));
  }
}
