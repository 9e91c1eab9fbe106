package dev.upsampler.engine;

/** What the transposed convolution sees beyond the input's edges. */
public enum BorderMode {
  /** Zeros: the frameworks' transposed convolution. */
  ZERO,
  /**
   * The input extended without end by repeating its edge pixels: with the fixed interpolation
   * kernels this equals PyTorch's {@code interpolate(..., align_corners=False)} at the borders
   * too (zero padding would darken every edge).
   */
  REPLICATE
}
