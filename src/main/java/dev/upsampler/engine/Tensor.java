package dev.upsampler.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A 4-D float32 tensor in NCHW order over a caller-owned {@code float[]}, possibly a view inside a
 * larger buffer: element {@code (b, c, y, x)} lives at {@code offset + b*strideN + c*strideC +
 * y*strideH + x}. Rows are always contiguous. Weights use the same class with the shape {@code
 * [C_in, C_out/groups, kH, kW]}.
 *
 * <p>Not thread-safe for writes; concurrent writers must touch disjoint elements.
 */
public final class Tensor {
  private final float[] data;
  private final int offset;
  private final int n;
  private final int c;
  private final int h;
  private final int w;
  private final int strideN;
  private final int strideC;
  private final int strideH;

  private Tensor(float[] data, int offset, int n, int c, int h, int w, int sN, int sC, int sH) {
    this.data = Objects.requireNonNull(data, "data");
    this.offset = offset;
    this.n = n;
    this.c = c;
    this.h = h;
    this.w = w;
    this.strideN = sN;
    this.strideC = sC;
    this.strideH = sH;
  }

  /** A dense zero tensor. */
  public static Tensor zeros(int n, int c, int h, int w) {
    return new Tensor(new float[checkedSize(n, c, h, w)], 0, n, c, h, w, c * h * w, h * w, w);
  }

  /** A dense tensor over {@code data}, which must hold exactly {@code n*c*h*w} values. */
  public static Tensor wrap(float[] data, int n, int c, int h, int w) {
    int size = checkedSize(n, c, h, w);
    if (data.length != size) {
      throw new ShapeException(
          "a [" + n + ", " + c + ", " + h + ", " + w + "] tensor needs " + size
              + " values, the array holds " + data.length);
    }
    return new Tensor(data, 0, n, c, h, w, c * h * w, h * w, w);
  }

  /** A dense tensor from a shape given as an array of rank 4, as read from a file. */
  public static Tensor wrap(float[] data, int[] shape, String what) {
    if (shape.length != 4) {
      throw new ShapeException(
          what + " must have rank 4 " + (what.startsWith("weight") ? "[C_in, C_out/groups, kH, kW]"
              : "[N, C, H, W]") + ", got " + Arrays.toString(shape) + " (rank " + shape.length
              + ")");
    }
    return wrap(data, shape[0], shape[1], shape[2], shape[3]);
  }

  /**
   * A view of {@code (n, c, h, w)} elements at an explicit offset and strides in {@code data}.
   *
   * @throws ShapeException if any element of the view falls outside the array
   */
  public static Tensor view(
      float[] data, int offset, int n, int c, int h, int w, int strideN, int strideC, int strideH) {
    checkedSize(n, c, h, w);
    long last = offset + (long) (n - 1) * strideN + (long) (c - 1) * strideC
        + (long) (h - 1) * strideH + (w - 1);
    if (offset < 0 || strideN < 0 || strideC < 0 || strideH < w || last >= data.length) {
      throw new ShapeException(
          "view [" + n + ", " + c + ", " + h + ", " + w + "] at offset " + offset + " with strides ["
              + strideN + ", " + strideC + ", " + strideH + ", 1] does not fit an array of "
              + data.length);
    }
    return new Tensor(data, offset, n, c, h, w, strideN, strideC, strideH);
  }

  static int checkedSize(int n, int c, int h, int w) {
    if (n < 1 || c < 1 || h < 1 || w < 1) {
      throw new ShapeException(
          "tensor dimensions must be >= 1, got [" + n + ", " + c + ", " + h + ", " + w + "]");
    }
    long size = (long) n * c * h * w;
    if (size > Integer.MAX_VALUE - 8) {
      throw new ShapeException(
          "tensor [" + n + ", " + c + ", " + h + ", " + w + "] has " + size
              + " elements; one array holds at most " + (Integer.MAX_VALUE - 8));
    }
    return (int) size;
  }

  public float[] data() {
    return data;
  }

  public int offset() {
    return offset;
  }

  public int n() {
    return n;
  }

  public int c() {
    return c;
  }

  public int h() {
    return h;
  }

  public int w() {
    return w;
  }

  public int strideN() {
    return strideN;
  }

  public int strideC() {
    return strideC;
  }

  public int strideH() {
    return strideH;
  }

  /** Number of elements. */
  public int size() {
    return n * c * h * w;
  }

  /** The shape as {@code [n, c, h, w]}. */
  public int[] shape() {
    return new int[] {n, c, h, w};
  }

  /** The shape as text, e.g. {@code [1, 3, 540, 960]}. */
  public String shapeString() {
    return Arrays.toString(shape());
  }

  /** True when the elements fill the array densely in NCHW order from offset 0. */
  public boolean isDense() {
    return offset == 0 && strideH == w && strideC == h * w && strideN == c * h * w
        && data.length == size();
  }

  /** Array index of element {@code (b, ch, y, x)}. */
  public int index(int b, int ch, int y, int x) {
    return offset + b * strideN + ch * strideC + y * strideH + x;
  }

  public float get(int b, int ch, int y, int x) {
    return data[index(b, ch, y, x)];
  }

  public void set(int b, int ch, int y, int x, float v) {
    data[index(b, ch, y, x)] = v;
  }

  /** Sets every element of this tensor (only the view's elements) to {@code v}. */
  public void fill(float v) {
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          int row = index(b, ch, y, 0);
          Arrays.fill(data, row, row + w, v);
        }
      }
    }
  }

  /** A dense copy of the elements in NCHW order. */
  public float[] toArray() {
    float[] out = new float[size()];
    int k = 0;
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h; y++) {
          System.arraycopy(data, index(b, ch, y, 0), out, k, w);
          k += w;
        }
      }
    }
    return out;
  }

  /** A dense copy of this tensor. */
  public Tensor copy() {
    return wrap(toArray(), n, c, h, w);
  }

  /** True if the two tensors have the same shape. */
  public boolean sameShape(Tensor o) {
    return n == o.n && c == o.c && h == o.h && w == o.w;
  }

  @Override
  public String toString() {
    return "Tensor" + shapeString() + (isDense() ? "" : " view@" + offset);
  }
}
