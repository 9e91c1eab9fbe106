package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;

/**
 * A clamp between layers, {@code y = min(max(x, min), max)}: ReLU6 is {@code [0, 6]}. No
 * parameters; the gradient passes strictly inside the bounds and is 0 at and beyond them, as
 * PyTorch's Hardtanh and ReLU6 give it.
 */
public final class ClampLayer extends PointwiseLayer {
  private final NetworkLayer.Clamp layer;

  public ClampLayer(int channels, float min, float max) {
    this.layer = new NetworkLayer.Clamp(channels, min, max);
  }

  @Override
  float value(float v) {
    return Math.min(Math.max(v, layer.min()), layer.max());
  }

  @Override
  float derivative(float v) {
    return v > layer.min() && v < layer.max() ? 1f : 0f;
  }

  @Override
  public NetworkLayer inference() {
    return layer;
  }

  @Override
  public Layer replica() {
    return new ClampLayer(layer.channels(), layer.min(), layer.max());
  }
}
