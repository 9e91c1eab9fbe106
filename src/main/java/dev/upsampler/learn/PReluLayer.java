package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/** PReLU with one learned slope per channel: {@code y = x > 0 ? x : a[c] * x}. */
public final class PReluLayer implements Layer {
  private final NetworkLayer.PRelu layer;
  private final float[] grads;
  private Tensor input;

  public PReluLayer(int channels, float initialSlope) {
    float[] slopes = new float[channels];
    java.util.Arrays.fill(slopes, initialSlope);
    this.layer = new NetworkLayer.PRelu(slopes);
    this.grads = new float[channels];
  }

  private PReluLayer(NetworkLayer.PRelu layer) {
    this.layer = layer;
    this.grads = new float[layer.slopes().length];
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    Tensor y = Tensor.zeros(x.n(), x.c(), x.h(), x.w());
    int size = x.c() * x.h() * x.w();
    for (int b = 0; b < x.n(); b++) {
      float[] out = new float[size];
      layer.forward(Layer.image(x, b), x.h(), x.w(), out, null);
      System.arraycopy(out, 0, y.data(), b * size, size);
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    Tensor dx = Tensor.zeros(g.n(), g.c(), g.h(), g.w());
    int plane = g.h() * g.w();
    float[] slopes = layer.slopes();
    float[] in = input.isDense() && input.offset() == 0 ? input.data() : input.toArray();
    float[] gd = g.isDense() && g.offset() == 0 ? g.data() : g.toArray();
    float[] d = dx.data();
    for (int b = 0; b < g.n(); b++) {
      for (int c = 0; c < g.c(); c++) {
        float a = slopes[c];
        double slopeGrad = 0;
        for (int i = (b * g.c() + c) * plane, end = i + plane; i < end; i++) {
          if (in[i] > 0) {
            d[i] = gd[i];
          } else {
            d[i] = a * gd[i];
            slopeGrad += gd[i] * in[i];
          }
        }
        grads[c] += (float) slopeGrad;
      }
    }
    return dx;
  }

  @Override
  public float[] parameters() {
    return layer.slopes();
  }

  @Override
  public float[] gradients() {
    return grads;
  }

  @Override
  public NetworkLayer inference() {
    return layer;
  }

  @Override
  public Layer replica() {
    return new PReluLayer(layer);
  }
}
