package dev.upsampler.learn;

import java.util.Locale;

/**
 * The training losses, per pixel of the difference {@code d = output - target}: the mean is
 * taken over the pixels of a batch. MSE optimises PSNR directly; L1 and Charbonnier (a smooth
 * L1, {@code sqrt(d^2 + eps^2)} with {@code eps = 1e-3}, Lai et al. 2017) are less swayed by
 * the few pixels a model cannot fit and are often sharper.
 */
public enum Loss {
  MSE,
  L1,
  CHARBONNIER;

  private static final double EPS = 1e-3;

  public double value(double d) {
    return switch (this) {
      case MSE -> d * d;
      case L1 -> Math.abs(d);
      case CHARBONNIER -> Math.sqrt(d * d + EPS * EPS);
    };
  }

  /** The derivative with respect to {@code d} (L1: 0 at 0, as PyTorch). */
  public double derivative(double d) {
    return switch (this) {
      case MSE -> 2 * d;
      case L1 -> Math.signum(d);
      case CHARBONNIER -> d / Math.sqrt(d * d + EPS * EPS);
    };
  }

  public static Loss parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown loss '" + text + "'; expected mse, l1 or"
          + " charbonnier");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
