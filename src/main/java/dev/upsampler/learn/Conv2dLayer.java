package dev.upsampler.learn;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.ConvTransposeGradients;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeReference;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.ConvolutionReference;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;

/**
 * A stride-1 convolution with "same" zero padding ({@code k} odd), weights in PyTorch's Conv2d
 * layout {@code [out, in, k, k]}, and a bias. A convolution is the adjoint of a transposed one
 * with the same weights, so the engine's pieces serve both ways: forward is {@link
 * ConvolutionReference}, the input's gradient is {@link ConvTransposeReference} applied to the
 * output's gradient, and the weights' gradient is {@link ConvTransposeGradients} with the roles
 * of input and output exchanged.
 */
public final class Conv2dLayer implements Layer {
  private final int in;
  private final int out;
  private final ConvTransposeSpec adjoint;
  /** [out, in, k, k] then bias [out]. */
  private final float[] params;
  private final float[] grads;
  private final Tensor weights;
  private Tensor input;

  public Conv2dLayer(int in, int out, int k, java.util.Random init) {
    if (k % 2 != 1) {
      throw new IllegalArgumentException("kernel size must be odd, got " + k);
    }
    this.in = in;
    this.out = out;
    this.adjoint = new ConvTransposeSpec(out, in, Size2.square(k), Size2.square(1),
        Size2.square(1), 1, Padding.torch(Size2.square(k / 2), Size2.square(0)), false);
    this.weights = Tensor.zeros(out, in, k, k);
    this.params = new float[weights.data().length + out];
    this.grads = new float[params.length];
    double std = Math.sqrt(2.0 / (in * k * k)); // He initialisation, for PReLU networks
    for (int i = 0; i < weights.data().length; i++) {
      params[i] = (float) (init.nextGaussian() * std);
    }
  }

  private Tensor weights() {
    System.arraycopy(params, 0, weights.data(), 0, weights.data().length);
    return weights;
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    ConvTransposePlan plan = adjoint.plan(x.h(), x.w());
    Tensor y = ConvolutionReference.compute(plan, x, weights());
    int plane = y.h() * y.w();
    for (int b = 0; b < y.n(); b++) {
      for (int c = 0; c < out; c++) {
        float bias = params[weights.data().length + c];
        int base = (b * out + c) * plane;
        for (int i = 0; i < plane; i++) {
          y.data()[base + i] += bias;
        }
      }
    }
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    ConvTransposePlan plan = adjoint.plan(input.h(), input.w());
    Tensor w = weights();
    Tensor dx = Tensor.zeros(input.n(), in, input.h(), input.w());
    ConvTransposeReference.compute(plan, g, w, null, dx);
    ConvTransposeGradients.Result r = ConvTransposeGradients.compute(plan, g, w, input,
        BorderMode.ZERO);
    float[] dw = r.weights().data();
    for (int i = 0; i < dw.length; i++) {
      grads[i] += dw[i];
    }
    int plane = g.h() * g.w();
    for (int b = 0; b < g.n(); b++) {
      for (int c = 0; c < out; c++) {
        double sum = 0; // the bias gradient: the output's gradient summed per channel
        int base = (b * out + c) * plane;
        for (int i = 0; i < plane; i++) {
          sum += g.data()[base + i];
        }
        grads[dw.length + c] += (float) sum;
      }
    }
    return dx;
  }

  @Override
  public float[] parameters() {
    return params;
  }

  @Override
  public float[] gradients() {
    return grads;
  }
}
