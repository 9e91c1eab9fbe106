package dev.upsampler.engine;

/**
 * A pair of per-axis integers (height first, width second): a stride, a dilation, a kernel size,
 * an output padding or an output shape. The pair itself does not judge its values: the spec that
 * uses it does, with a message that names the parameter.
 */
public record Size2(int h, int w) {

  /** The same value on both axes. */
  public static Size2 square(int v) {
    return new Size2(v, v);
  }

  /** Parses {@code "3"} (both axes) or {@code "3,2"} (height, width). */
  public static Size2 parse(String text) {
    String[] parts = text.trim().split("\\s*,\\s*");
    try {
      if (parts.length == 1) {
        return square(Integer.parseInt(parts[0]));
      }
      if (parts.length == 2) {
        return new Size2(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "expected an integer or two comma-separated integers (H,W), got '" + text + "'");
  }

  /**
   * Parses a scale as users write it, {@code "3"} or {@code "SX,SY"} (x first, as in "3,2" for
   * three times wider and twice taller), and returns it as (y, x) like every other size here.
   */
  public static Size2 parseScaleXy(String text) {
    try {
      Size2 xy = parse(text);
      return new Size2(xy.w(), xy.h());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scale: expected an integer S or two comma-separated"
          + " integers SX,SY (x scale, then y scale), got '" + text + "'");
    }
  }

  /** The value on axis 0 (height) or 1 (width). */
  public int get(int axis) {
    return axis == 0 ? h : w;
  }

  @Override
  public String toString() {
    return h == w ? Integer.toString(h) : h + "," + w;
  }
}
