package dev.upsampler.learn;

import dev.upsampler.engine.Gemm;
import dev.upsampler.engine.Im2col;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;

/**
 * A stride-1 convolution with "same" zero padding ({@code k} odd), weights in PyTorch's Conv2d
 * layout {@code [out, in, k, k]}, and a bias. As GEMMs over the input's columns ({@link
 * Im2col}): forward {@code Y = W * cols + b}, backward {@code dW += dY * cols^T} and the input
 * gradient as the same-padded convolution of {@code dY} with the weights' in and out swapped
 * and the taps turned half a turn (the adjoint of a same-padded convolution), a GEMM with a
 * long reduction into a small result rather than {@code W^T * dY} into nine times the input
 * and a scatter-add of it back onto the input.
 */
public final class Conv2dLayer implements Layer {
  private final NetworkLayer.Conv2d layer;
  private final float[] grads;
  /** Forward's scratch: after a one-image forward its columns are that input's, until backward. */
  private final NetworkLayer.Workspace ws = new NetworkLayer.Workspace();
  private final NetworkLayer.Workspace adjointWs = new NetworkLayer.Workspace();
  private Tensor input;
  private float[] image = new float[0];

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
    if (x.n() == 1) {
      layer.forward(Layer.image(x, 0), x.h(), x.w(), y.data(), ws);
      return y;
    }
    int size = layer.out() * x.h() * x.w();
    image = grow(image, size);
    for (int b = 0; b < x.n(); b++) {
      layer.forward(Layer.image(x, b), x.h(), x.w(), image, ws);
      System.arraycopy(image, 0, y.data(), b * size, size);
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
    NetworkLayer.Conv2d adjoint = k > 1 ? adjoint() : null;
    Tensor dx = Tensor.zeros(input.n(), in, h, w);
    for (int b = 0; b < input.n(); b++) {
      float[] x = Layer.image(input, b);
      float[] gb = Layer.image(g, b);
      float[] c = x;
      if (k > 1) {
        c = ws.cols(depth * n); // forward's columns when the batch was one image
        if (input.n() > 1) {
          Im2col.expand(x, 0, in, h, w, k, c);
        }
      }
      Gemm.addProductsTransposed(gb, 0, n, out, c, 0, n, depth, n, grads, 0, depth);
      Layer.addChannelSums(gb, out, n, grads, depth * out);
      if (k == 1) {
        Gemm.multiply(params, 0, depth, gb, 0, n, out, dx.data(), b * in * n, n, n);
      } else if (input.n() == 1) {
        adjoint.forward(gb, h, w, dx.data(), adjointWs);
      } else {
        image = grow(image, in * n);
        adjoint.forward(gb, h, w, image, adjointWs);
        System.arraycopy(image, 0, dx.data(), b * in * n, in * n);
      }
    }
    return dx;
  }

  /**
   * The convolution whose forward is this one's input gradient: {@code A[i][o][ky][kx] =
   * W[o][i][k-1-ky][k-1-kx]}, no bias (the weights change every step, so it is made per call).
   */
  private NetworkLayer.Conv2d adjoint() {
    int in = layer.in();
    int out = layer.out();
    int k = layer.k();
    int taps = k * k;
    float[] w = layer.params();
    float[] a = new float[NetworkLayer.Conv2d.weightCount(out, in, k) + in];
    for (int o = 0; o < out; o++) {
      for (int i = 0; i < in; i++) {
        for (int t = 0; t < taps; t++) {
          a[(i * out + o) * taps + taps - 1 - t] = w[(o * in + i) * taps + t];
        }
      }
    }
    return new NetworkLayer.Conv2d(out, in, k, a);
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
