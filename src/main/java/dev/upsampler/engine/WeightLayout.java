package dev.upsampler.engine;

import java.util.Arrays;
import java.util.Locale;

/**
 * How transposed-convolution weights are laid out in a file. The engine always works on PyTorch's
 * (and ONNX's) {@code [C_in, C_out/groups, kH, kW]}; TensorFlow's {@code conv2d_transpose} filter
 * is {@code [kH, kW, C_out, C_in]} and converts with {@code transpose(3, 2, 0, 1)}, without a
 * spatial flip.
 */
public enum WeightLayout {
  /** {@code [C_in, C_out/groups, kH, kW]}: PyTorch ConvTranspose2d and ONNX ConvTranspose. */
  TORCH,
  /** {@code [kH, kW, C_out, C_in]}: TensorFlow conv2d_transpose. */
  TF;

  public static WeightLayout parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SpecException("unknown weight layout '" + text + "'; expected torch or tf");
    }
  }

  /** Converts weights of this layout to a {@code [C_in, C_out/groups, kH, kW]} tensor. */
  public Tensor toTorch(float[] data, int[] shape) {
    if (shape.length != 4) {
      throw new ShapeException(
          "weights must have rank 4 " + (this == TF ? "[kH, kW, C_out, C_in]"
              : "[C_in, C_out/groups, kH, kW]") + ", got " + Arrays.toString(shape) + " (rank "
              + shape.length + ")");
    }
    if (this == TORCH) {
      return Tensor.wrap(data, shape, "weights");
    }
    int kh = shape[0];
    int kw = shape[1];
    int cout = shape[2];
    int cin = shape[3];
    Tensor t = Tensor.zeros(cin, cout, kh, kw);
    int k = 0;
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int o = 0; o < cout; o++) {
          for (int i = 0; i < cin; i++) {
            t.set(i, o, y, x, data[k++]);
          }
        }
      }
    }
    return t;
  }
}
