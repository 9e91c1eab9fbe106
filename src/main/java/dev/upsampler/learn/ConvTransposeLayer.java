package dev.upsampler.learn;

import dev.upsampler.engine.Gemm;
import dev.upsampler.engine.Im2col;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SpecException;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Tensor;

/**
 * A transposed convolution with zero border (the upscaling layer of a network), weights {@code
 * [in, out, k, k]} and a bias if the spec has one. Forward is the engine's GEMM and scatter;
 * backward gathers the output's gradient into columns {@code dZ[(m, ky, kx)][iy, ix]} (the
 * adjoint of the scatter), then {@code dx = W * dZ} and {@code dW += x * dZ^T}.
 */
public final class ConvTransposeLayer implements Layer {
  private final NetworkLayer.ConvTranspose2d layer;
  private final float[] grads;
  private final NetworkLayer.Workspace ws = new NetworkLayer.Workspace();
  private Tensor input;
  private float[] dz = new float[0];
  private float[] weightsT = new float[0];

  public ConvTransposeLayer(ConvTransposeSpec spec, java.util.Random init, double std) {
    if (spec.groups() != 1) {
      throw new SpecException("a trained transposed convolution needs groups = 1");
    }
    int weights = NetworkLayer.ConvTranspose2d.weightCount(spec);
    float[] params = new float[weights + (spec.hasBias() ? spec.outChannels() : 0)];
    for (int i = 0; i < weights; i++) {
      params[i] = (float) (init.nextGaussian() * std);
    }
    this.layer = new NetworkLayer.ConvTranspose2d(spec, params);
    this.grads = new float[params.length];
  }

  private ConvTransposeLayer(NetworkLayer.ConvTranspose2d layer) {
    this.layer = layer;
    this.grads = new float[layer.params().length];
  }

  public ConvTransposeSpec spec() {
    return layer.spec();
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    int[] o = layer.outputSize(x.h(), x.w());
    Tensor y = Tensor.zeros(x.n(), layer.outChannels(), o[0], o[1]);
    int size = layer.outChannels() * o[0] * o[1];
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
    int in = layer.inChannels();
    int rows = layer.rows();
    ConvTransposePlan plan = layer.spec().plan(h, w);
    int outPlane = plan.outH() * plan.outW();
    weightsT = Conv2dLayer.grow(weightsT, rows * in);
    Gemm.transpose(layer.params(), 0, in, rows, weightsT);
    dz = Conv2dLayer.grow(dz, rows * n);
    Tensor dx = Tensor.zeros(input.n(), in, h, w);
    for (int b = 0; b < input.n(); b++) {
      float[] x = Layer.image(input, b);
      float[] gb = Layer.image(g, b);
      Im2col.gather(plan, gb, 0, dz);
      Gemm.multiply(weightsT, 0, in, dz, 0, n, rows, dx.data(), b * in * n, n, n);
      Gemm.addProductsTransposed(x, 0, n, in, dz, 0, n, rows, n, grads, 0, rows);
      if (layer.spec().hasBias()) {
        Layer.addChannelSums(gb, layer.outChannels(), outPlane, grads, in * rows);
      }
    }
    return dx;
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
    return new ConvTransposeLayer(layer);
  }
}
