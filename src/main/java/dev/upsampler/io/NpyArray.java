package dev.upsampler.io;

import java.util.Arrays;

/** A float array with its NumPy shape (C order), as read from or written to a {@code .npy} file. */
public record NpyArray(float[] data, int[] shape) {

  public NpyArray {
    long size = 1;
    for (int d : shape) {
      size *= d;
    }
    if (size != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " holds " + size + " values, data has "
              + data.length);
    }
  }

  @Override
  public String toString() {
    return "NpyArray" + Arrays.toString(shape);
  }
}
