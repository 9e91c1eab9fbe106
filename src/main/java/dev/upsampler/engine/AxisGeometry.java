package dev.upsampler.engine;

/**
 * One spatial axis of a transposed convolution before cropping: input length {@code n}, stride
 * {@code s}, kernel {@code k}, dilation {@code d}. The natural output length is
 * {@code full = (n - 1) * s + (k - 1) * d + 1}.
 */
record AxisGeometry(String axisName, int in, int stride, int kernel, int dilation) {

  /** {@code k_eff = (k - 1) * d + 1}: the span of the dilated kernel. */
  long effectiveKernel() {
    return (long) (kernel - 1) * dilation + 1;
  }

  /** The natural (uncropped) output length. */
  long full() {
    return (long) (in - 1) * stride + effectiveKernel();
  }

  /** A short description for error messages, e.g. "height: input 3, stride 2, kernel 3". */
  String describe() {
    String s = axisName + ": input " + in + ", stride " + stride + ", kernel " + kernel;
    return dilation == 1 ? s : s + ", dilation " + dilation;
  }
}
