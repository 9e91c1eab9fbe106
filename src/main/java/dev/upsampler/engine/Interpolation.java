package dev.upsampler.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * Interpolation by an integer factor as a depthwise transposed convolution. For scale {@code s}
 * and an interpolation kernel {@code K} of radius {@code R}, output {@code o} samples the input at
 * {@code (o + 0.5) / s - 0.5} (half-pixel centres, PyTorch's {@code align_corners=False}), so tap
 * {@code kk} of the transposed convolution weighs
 *
 * <pre>
 *   W[kk] = K((kk - crop + 0.5) / s - 0.5),   crop = ceil(0.5 + s (R - 0.5)) - 1,
 *   size  = ceil(crop - 0.5 + s (R + 0.5))
 * </pre>
 *
 * e.g. bilinear 4/5/8 taps with crop 1/1/2 and bicubic 8/11/16 taps with crop 3/4/6 for s =
 * 2/3/4. With the input replicated at its edges ({@link BorderMode#REPLICATE}) nearest, bilinear
 * and bicubic equal PyTorch's {@code interpolate} everywhere, borders included; the 2-D kernel is
 * the outer product of the two axes' 1-D kernels.
 */
public enum Interpolation {
  /** Nearest neighbour: {@code s} ones, crop 0 (PyTorch "nearest" for integer factors). */
  NEAREST(0.5),
  /** Linear (triangle) kernel: PyTorch bilinear, OpenCV INTER_LINEAR. */
  BILINEAR(1),
  /** Keys cubic convolution with a = -0.75: PyTorch bicubic, OpenCV INTER_CUBIC. */
  BICUBIC(2),
  /** Lanczos, three lobes, each phase normalised to sum 1 (as Pillow's LANCZOS). */
  LANCZOS3(3);

  private static final double KEYS_A = -0.75;
  private final double radius;

  Interpolation(double radius) {
    this.radius = radius;
  }

  public static Interpolation parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SpecException("unknown interpolation '" + name + "'; expected one of "
          + Arrays.toString(values()).toLowerCase(Locale.ROOT));
    }
  }

  /** Rows or columns removed at the start of the natural output for scale {@code s}. */
  public int crop(int s) {
    return (int) Math.ceil(0.5 + s * (radius - 0.5)) - 1;
  }

  /** Number of taps for scale {@code s}. */
  public int size(int s) {
    return (int) Math.ceil(crop(s) - 0.5 + s * (radius + 0.5) - 1e-9);
  }

  /** The 1-D transposed-convolution kernel for scale {@code s}. */
  public float[] taps(int s) {
    if (s < 1) {
      throw new SpecException("scale must be >= 1, got " + s);
    }
    int crop = crop(s);
    double[] w = new double[size(s)];
    for (int kk = 0; kk < w.length; kk++) {
      w[kk] = weight((kk - crop + 0.5) / s - 0.5);
    }
    if (this == LANCZOS3) { // normalise each output phase: taps p, p+s, p+2s, ...
      for (int p = 0; p < s; p++) {
        double sum = 0;
        for (int kk = p; kk < w.length; kk += s) {
          sum += w[kk];
        }
        for (int kk = p; kk < w.length; kk += s) {
          w[kk] /= sum;
        }
      }
    }
    float[] f = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      f[i] = (float) w[i];
    }
    return f;
  }

  private double weight(double t) {
    double a = Math.abs(t);
    switch (this) {
      case NEAREST:
        return t >= -0.5 && t < 0.5 ? 1 : 0;
      case BILINEAR:
        return a < 1 ? 1 - a : 0;
      case BICUBIC:
        if (a <= 1) {
          return ((KEYS_A + 2) * a - (KEYS_A + 3)) * a * a + 1;
        }
        return a < 2 ? ((KEYS_A * a - 5 * KEYS_A) * a + 8 * KEYS_A) * a - 4 * KEYS_A : 0;
      default:
        return a < 3 ? sinc(t) * sinc(t / 3) : 0;
    }
  }

  private static double sinc(double t) {
    return t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
  }

  /**
   * The layer that upsamples {@code channels} channels by {@code sy} x {@code sx}: depthwise,
   * outer product of the two 1-D kernels, input edges replicated, output exactly {@code (n*sy,
   * m*sx)}.
   */
  public ConvTranspose layer(int channels, int sy, int sx) {
    float[] u = taps(sy);
    float[] v = taps(sx);
    int endY = u.length - sy - crop(sy);
    int endX = v.length - sx - crop(sx);
    ConvTransposeSpec spec = ConvTransposeSpec.builder()
        .channels(channels, channels).groups(channels).kernel(u.length, v.length)
        .stride(new Size2(sy, sx))
        .padding(Padding.onnxPads(crop(sy), crop(sx), endY, endX, Size2.square(0)))
        .build();
    Tensor w = Tensor.zeros(channels, 1, u.length, v.length);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < u.length; y++) {
        for (int x = 0; x < v.length; x++) {
          w.set(c, 0, y, x, u[y] * v[x]);
        }
      }
    }
    return ConvTranspose.of(spec, w, null).with(BorderMode.REPLICATE);
  }
}
