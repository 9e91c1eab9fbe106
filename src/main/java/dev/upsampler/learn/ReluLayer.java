package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/**
 * ReLU ({@code alpha} 0) or LeakyReLU with a fixed slope: {@code y = x > 0 ? x : alpha * x}. No
 * parameters; the gradient passes where the input was positive and is scaled by {@code alpha}
 * elsewhere (at exactly 0 it takes the {@code alpha} side, as PyTorch's ReLU gives 0 there).
 */
public final class ReluLayer extends ParameterFreeLayer {
  private final NetworkLayer.LeakyRelu layer;
  private Tensor input;

  public ReluLayer(int channels, float alpha) {
    this.layer = new NetworkLayer.LeakyRelu(channels, alpha);
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    float[] in = x.isDense() && x.offset() == 0 ? x.data() : x.toArray();
    Tensor y = Tensor.zeros(x.n(), x.c(), x.h(), x.w());
    float a = layer.alpha();
    float[] out = y.data();
    for (int i = 0; i < out.length; i++) {
      float v = in[i];
      out[i] = v > 0 ? v : a * v;
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    float[] in = input.isDense() && input.offset() == 0 ? input.data() : input.toArray();
    float[] gd = g.isDense() && g.offset() == 0 ? g.data() : g.toArray();
    Tensor dx = Tensor.zeros(g.n(), g.c(), g.h(), g.w());
    float a = layer.alpha();
    float[] d = dx.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = in[i] > 0 ? gd[i] : a * gd[i];
    }
    return dx;
  }

  @Override
  public NetworkLayer inference() {
    return layer;
  }

  @Override
  public Layer replica() {
    return new ReluLayer(layer.channels(), layer.alpha());
  }
}
