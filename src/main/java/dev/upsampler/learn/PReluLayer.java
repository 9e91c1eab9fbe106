package dev.upsampler.learn;

import dev.upsampler.engine.Tensor;

/** PReLU with one learned slope per channel: {@code y = x > 0 ? x : a[c] * x}. */
public final class PReluLayer implements Layer {
  private final float[] slopes;
  private final float[] grads;
  private Tensor input;

  public PReluLayer(int channels, float initialSlope) {
    slopes = new float[channels];
    java.util.Arrays.fill(slopes, initialSlope);
    grads = new float[channels];
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    Tensor y = Tensor.zeros(x.n(), x.c(), x.h(), x.w());
    int plane = x.h() * x.w();
    float[] in = x.data();
    for (int i = 0; i < in.length; i++) {
      float a = slopes[(i / plane) % x.c()];
      y.data()[i] = in[i] > 0 ? in[i] : a * in[i];
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    Tensor dx = Tensor.zeros(g.n(), g.c(), g.h(), g.w());
    int plane = g.h() * g.w();
    float[] in = input.data();
    for (int i = 0; i < in.length; i++) {
      int c = (i / plane) % g.c();
      if (in[i] > 0) {
        dx.data()[i] = g.data()[i];
      } else {
        dx.data()[i] = slopes[c] * g.data()[i];
        grads[c] += g.data()[i] * in[i];
      }
    }
    return dx;
  }

  @Override
  public float[] parameters() {
    return slopes;
  }

  @Override
  public float[] gradients() {
    return grads;
  }
}
