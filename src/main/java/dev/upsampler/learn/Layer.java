package dev.upsampler.learn;

import dev.upsampler.engine.Tensor;

/**
 * A layer of a network trained here. {@code forward} keeps what {@code backward} needs;
 * {@code backward} adds the parameters' gradients to {@link #gradients()} and returns the
 * gradient with respect to the layer's input. Parameters and gradients are flat arrays, in the
 * order {@link Adam} updates them.
 */
public interface Layer {
  Tensor forward(Tensor x);

  Tensor backward(Tensor gradOut);

  float[] parameters();

  float[] gradients();

  /** Clears the accumulated gradients (before each batch). */
  default void zeroGradients() {
    java.util.Arrays.fill(gradients(), 0f);
  }
}
