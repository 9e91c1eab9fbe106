package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;

/**
 * ReLU ({@code alpha} 0) or LeakyReLU with a fixed slope: {@code y = x > 0 ? x : alpha * x}. No
 * parameters; the gradient passes where the input was positive and is scaled by {@code alpha}
 * elsewhere (at exactly 0 it takes the {@code alpha} side, as PyTorch's ReLU gives 0 there).
 */
public final class ReluLayer extends PointwiseLayer {
  private final NetworkLayer.LeakyRelu layer;
  private final float alpha;

  public ReluLayer(int channels, float alpha) {
    this.layer = new NetworkLayer.LeakyRelu(channels, alpha);
    this.alpha = alpha;
  }

  @Override
  float value(float v) {
    return v > 0 ? v : alpha * v;
  }

  @Override
  float derivative(float v) {
    return v > 0 ? 1f : alpha;
  }

  @Override
  public NetworkLayer inference() {
    return layer;
  }

  @Override
  public Layer replica() {
    return new ReluLayer(layer.channels(), alpha);
  }
}
