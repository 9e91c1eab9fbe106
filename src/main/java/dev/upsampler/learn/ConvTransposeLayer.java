package dev.upsampler.learn;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.ConvTransposeGradients;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeReference;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Tensor;

/** A transposed convolution with bias (the upscaling layer of a network), weights [in, out, k, k]. */
public final class ConvTransposeLayer implements Layer {
  private final ConvTransposeSpec spec;
  private final BorderMode border;
  private final Tensor weights;
  private final float[] params;
  private final float[] grads;
  private Tensor input;

  public ConvTransposeLayer(ConvTransposeSpec spec, BorderMode border, java.util.Random init,
      double std) {
    this.spec = spec;
    this.border = border;
    this.weights = Tensor.zeros(spec.inChannels(), spec.outPerGroup(), spec.kernel().h(),
        spec.kernel().w());
    this.params = new float[weights.data().length + spec.outChannels()];
    this.grads = new float[params.length];
    for (int i = 0; i < weights.data().length; i++) {
      params[i] = (float) (init.nextGaussian() * std);
    }
  }

  public ConvTransposeSpec spec() {
    return spec;
  }

  private Tensor weights() {
    System.arraycopy(params, 0, weights.data(), 0, weights.data().length);
    return weights;
  }

  private float[] bias() {
    return java.util.Arrays.copyOfRange(params, weights.data().length, params.length);
  }

  @Override
  public Tensor forward(Tensor x) {
    input = x;
    ConvTransposePlan plan = spec.plan(x.h(), x.w());
    Tensor y = Tensor.zeros(x.n(), spec.outChannels(), plan.outH(), plan.outW());
    ConvTransposeReference.compute(plan, x, weights(), bias(), y, border);
    return y;
  }

  @Override
  public Tensor backward(Tensor g) {
    ConvTransposeGradients.Result r = ConvTransposeGradients.compute(
        spec.plan(input.h(), input.w()), input, weights(), g, border);
    float[] dw = r.weights().data();
    for (int i = 0; i < dw.length; i++) {
      grads[i] += dw[i];
    }
    for (int c = 0; c < spec.outChannels(); c++) {
      grads[dw.length + c] += r.bias()[c];
    }
    return r.input();
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
