package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/**
 * A layer of a network trained here. {@code forward} keeps what {@code backward} needs;
 * {@code backward} adds the parameters' gradients to {@link #gradients()} and returns the
 * gradient with respect to the layer's input. Parameters and gradients are flat arrays, in the
 * order {@link Adam} updates them and in the layout of the engine layer that serves the model.
 */
public interface Layer {
  Tensor forward(Tensor x);

  Tensor backward(Tensor gradOut);

  float[] parameters();

  float[] gradients();

  /** The inference layer, sharing this layer's parameters (not a copy). */
  NetworkLayer inference();

  /**
   * A layer for another thread: the same parameters (shared), its own gradients and saved
   * activations, so replicas run patches in parallel and their gradients are summed after.
   */
  Layer replica();

  /** Clears the accumulated gradients (before each batch). */
  default void zeroGradients() {
    java.util.Arrays.fill(gradients(), 0f);
  }

  /** Image {@code b} of a batch as a dense array (the tensor's own array when it can be). */
  static float[] image(Tensor t, int b) {
    int size = t.c() * t.h() * t.w();
    if (t.isDense() && t.n() == 1 && t.offset() == 0) {
      return t.data();
    }
    float[] a = new float[size];
    for (int c = 0; c < t.c(); c++) {
      for (int y = 0; y < t.h(); y++) {
        for (int x = 0; x < t.w(); x++) {
          a[(c * t.h() + y) * t.w() + x] = t.get(b, c, y, x);
        }
      }
    }
    return a;
  }

  /** Adds each channel's sum of {@code g} (one image) to {@code grads[offset + c]}. */
  static void addChannelSums(float[] g, int channels, int plane, float[] grads, int offset) {
    for (int c = 0; c < channels; c++) {
      double sum = 0;
      for (int i = c * plane, end = i + plane; i < end; i++) {
        sum += g[i];
      }
      grads[offset + c] += (float) sum;
    }
  }
}
