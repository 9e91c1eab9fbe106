package dev.upsampler.learn;

import dev.upsampler.engine.Tensor;

/**
 * A parameter-free layer applied value by value ({@code y = f(x)}), whose gradient is {@code
 * f'(x)} times the incoming one: the input is kept from the forward pass for the backward.
 */
abstract class PointwiseLayer extends ParameterFreeLayer {
  private Tensor input;

  /** {@code f(v)}. */
  abstract float value(float v);

  /** {@code f'(v)}, with the side PyTorch takes where {@code f} has a kink. */
  abstract float derivative(float v);

  @Override
  public final Tensor forward(Tensor x) {
    input = x;
    float[] in = dense(x);
    Tensor y = Tensor.zeros(x.n(), x.c(), x.h(), x.w());
    float[] out = y.data();
    for (int i = 0; i < out.length; i++) {
      out[i] = value(in[i]);
    }
    return y;
  }

  @Override
  public final Tensor backward(Tensor g) {
    float[] in = dense(input);
    float[] gd = dense(g);
    Tensor dx = Tensor.zeros(g.n(), g.c(), g.h(), g.w());
    float[] d = dx.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = derivative(in[i]) * gd[i];
    }
    return dx;
  }

  private static float[] dense(Tensor t) {
    return t.isDense() && t.offset() == 0 ? t.data() : t.toArray();
  }
}
