package dev.upsampler.engine;

/** Small helpers shared by the padding front ends: range text and the final crop check. */
final class Specs {
  private Specs() {}

  /** "5..6", or "{5}" for a single legal value. */
  static String range(long min, long max) {
    if (min > max) {
      return "none";
    }
    return min == max ? "{" + min + "}" : min + ".." + max;
  }

  /** Builds the crop of one axis, refusing empty and absurdly large outputs. */
  static AxisCrop crop(AxisGeometry g, long begin, long end, String frontEnd) {
    long out = g.full() - begin - end;
    if (out < 1) {
      throw new SpecException(
          frontEnd + " gives an empty output (" + g.axisName() + " " + out + ") for "
              + g.describe() + " with crop " + begin + "+" + end
              + ": the padding removes more than the natural length " + g.full());
    }
    if (out > Integer.MAX_VALUE || Math.abs(begin) > Integer.MAX_VALUE
        || Math.abs(end) > Integer.MAX_VALUE) {
      throw new SpecException(
          frontEnd + " output " + g.axisName() + " " + out + " exceeds " + Integer.MAX_VALUE
              + " for " + g.describe());
    }
    return new AxisCrop((int) begin, (int) end, (int) out);
  }
}
