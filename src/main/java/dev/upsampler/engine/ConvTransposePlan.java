package dev.upsampler.engine;

/**
 * A {@link ConvTransposeSpec} resolved for one input size: output size and canonical crop. The
 * output size is {@code full - crop.begin - crop.end} per axis, {@code full = (n-1)s + (k-1)d + 1}.
 */
public record ConvTransposePlan(
    ConvTransposeSpec spec, int inH, int inW, int outH, int outW, Crop crop) {

  /** Useful multiply-adds times two, excluding multiplications by inserted zeros. */
  public long flopsPerImage() {
    ConvTransposeSpec s = spec;
    return 2L * s.inChannels() * s.outPerGroup() * s.kernel().h() * s.kernel().w() * inH * inW;
  }

  @Override
  public String toString() {
    return "plan[" + inH + "x" + inW + " -> " + outH + "x" + outW + ", " + crop + "]";
  }
}
