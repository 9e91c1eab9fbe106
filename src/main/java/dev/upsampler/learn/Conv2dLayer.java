package dev.upsampler.learn;

import dev.upsampler.engine.Gemm;
import dev.upsampler.engine.Im2col;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/**
 * A stride-1 convolution with "same" zero padding ({@code k} odd), weights in PyTorch's Conv2d
 * layout {@code [out, in, k, k]}, and a bias. As GEMMs over the input's columns ({@link
 * Im2col}): forward {@code Y = W * cols + b}, backward {@code dW += dY * cols^T}, {@code dcols =
 * W^T * dY} folded back onto the input.
 */
public final class Conv2dLayer implements Layer {
  private final NetworkLayer.Conv2d layer;
  private final float[] grads;
  private final NetworkLayer.Workspace ws = new NetworkLayer.Workspace();
  private Tensor input;
  private float[] cols = new float[0];
  private float[] dcols = new float[0];

  public Conv2dLayer(int in, int out, int k, java.util.Random init) {
    this(in, out, k, init, Math.sqrt(2.0 / (in * k * k))); // He initialisation, for (P)ReLU
  }

  /** Weights drawn with standard deviation {@code std} (small for a layer ending a residual). */
  public Conv2dLayer(int in, int out, int k, java.util.Random init, double std) {
    float[] params = new float[NetworkLayer.Conv2d.weightCount(in, out, k) + out];
    for (int i = 0; i < params.length - out; i++) {
      params[i] = (float) (init.nextGaussian() * std);
    }
    this.layer = new NetworkLayer.Conv2d(in, out, k, params);
    this.grads = new float[params.length];
  }

  /** A layer over {@code layer}'s parameters (shared, not copied). */
  Conv2dLayer(NetworkLayer.Conv2d layer) {
    this.layer = layer;
    this.grads = new float[layer.params().length];
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    Tensor y = Tensor.zeros(x.n(), layer.out(), x.h(), x.w());
    int size = layer.out() * x.h() * x.w();
    float[] out = new float[size];
    for (int b = 0; b < x.n(); b++) {
      layer.forward(Layer.image(x, b), x.h(), x.w(), out, ws);
      System.arraycopy(out, 0, y.data(), b * size, size);
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    int h = input.h();
    int w = input.w();
    int n = h * w;
    int in = layer.in();
    int out = layer.out();
    int k = layer.k();
    int depth = in * k * k;
    float[] params = layer.params();
    Tensor dx = Tensor.zeros(input.n(), in, h, w);
    for (int b = 0; b < input.n(); b++) {
      float[] x = Layer.image(input, b);
      float[] gb = Layer.image(g, b);
      float[] c = x;
      if (k > 1) {
        cols = grow(cols, depth * n);
        Im2col.expand(x, 0, in, h, w, k, cols);
        c = cols;
      }
      Gemm.addProductsTransposed(gb, 0, n, out, c, 0, n, depth, n, grads, 0, depth);
      Layer.addChannelSums(gb, out, n, grads, depth * out);
      if (k > 1) {
        dcols = grow(dcols, depth * n);
        Gemm.multiply(params, 0, depth, gb, 0, n, out, dcols, 0, n, n);
        Im2col.fold(dcols, in, h, w, k, dx.data(), b * in * n);
      } else {
        Gemm.multiply(params, 0, depth, gb, 0, n, out, dx.data(), b * in * n, n, n);
      }
    }
    return dx;
  }

  static float[] grow(float[] a, int size) {
    return a.length >= size ? a : new float[size];
  }

  @Override
  public float[] parameters() {
    return layer.params();
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
    return new Conv2dLayer(layer);
  }
}
