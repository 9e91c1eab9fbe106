package dev.upsampler.engine;

/**
 * The canonical crop every padding front end resolves to: how many rows and columns are removed
 * from the natural (uncropped) scatter output at each end. A negative value appends that many
 * zero rows or columns instead; they still receive the bias.
 */
public record Crop(int top, int left, int bottom, int right) {

  /** The crop at the start of axis 0 (height) or 1 (width). */
  public int begin(int axis) {
    return axis == 0 ? top : left;
  }

  /** The crop at the end of axis 0 (height) or 1 (width). */
  public int end(int axis) {
    return axis == 0 ? bottom : right;
  }

  @Override
  public String toString() {
    return "crop[top=" + top + ", left=" + left + ", bottom=" + bottom + ", right=" + right + "]";
  }
}
