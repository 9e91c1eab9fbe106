package dev.upsampler.learn;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.ConvTransposeGradients;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeReference;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.image.UpscaleKernel;
import java.util.List;
import java.util.Random;

/**
 * Trains one transposed-convolution layer (the kernel {@code upscale} applies) on luma: the
 * bicubic kernel's shape, border and crop, its weights as the starting point, then Adam on the
 * mean squared error of random patches. A patch's outer HR pixels, which the layer computes from
 * replicated edges rather than the photograph's real neighbours, are left out of the loss.
 * Gradients come from {@link ConvTransposeGradients}; the patches of a batch are spread over the
 * threads of a {@link Parallelism} and summed in a fixed order, so a seed gives one result.
 */
public final class SingleLayerTrainer implements Trainer {
  private final Size2 scale;
  private final ConvTransposeSpec spec;
  private final Tensor weights;
  private final Adam adam;
  private final int patch;
  private final int batch;
  private final int margin;
  private final PatchSampler sampler = PatchSampler.uniform();

  /**
   * @param start the weights to start from (null: bicubic's)
   * @param patch the low-resolution patch side
   */
  public SingleLayerTrainer(Size2 scale, Tensor start, int patch, int batch, float lr) {
    UpscaleKernel bicubic = UpscaleKernel.named("bicubic", scale);
    this.scale = scale;
    this.spec = bicubic.layer(1).spec();
    Tensor w = bicubic.layer(1).weights();
    if (start != null) {
      if (start.n() != w.n() || start.c() != w.c() || start.h() != w.h()
          || start.w() != w.w()) {
        throw new IllegalArgumentException("cannot resume: the model's kernel is "
            + start.shapeString() + ", a x" + scale + " single layer is " + w.shapeString());
      }
      w = start;
    }
    this.weights = Tensor.zeros(w.n(), w.c(), w.h(), w.w());
    System.arraycopy(w.data(), 0, weights.data(), 0, w.data().length);
    this.adam = new Adam(weights.data().length, lr);
    this.margin = 2; // low-resolution pixels whose outputs see replicated edges
    if (patch < 2 * margin + 4 || batch < 1) {
      throw new IllegalArgumentException("patch must be >= " + (2 * margin + 4)
          + " and batch >= 1");
    }
    this.patch = patch;
    this.batch = batch;
  }

  public ConvTransposeSpec spec() {
    return spec;
  }

  public Tensor weights() {
    return weights;
  }

  public Adam optimizer() {
    return adam;
  }

  @Override
  public List<Adam> optimizers() {
    return List.of(adam);
  }

  @Override
  public List<float[]> parameters() {
    return List.of(weights.data());
  }

  /** The current weights as a kernel {@code upscale} can use. */
  @Override
  public UpscaleKernel kernel(String name) {
    Tensor copy = Tensor.zeros(weights.n(), weights.c(), weights.h(), weights.w());
    System.arraycopy(weights.data(), 0, copy.data(), 0, copy.data().length);
    return UpscaleKernel.of(name, spec, copy, null, BorderMode.REPLICATE);
  }

  /** One Adam step on a batch of random patches; returns the batch's mean squared error. */
  @Override
  public double step(List<TrainingPair> pairs, Random rnd, Parallelism par) {
    int[][] at = sampler.draw(pairs, batch, patch, rnd);
    double[][] results = new double[batch][];
    par.forEachIndex(batch,
        b -> results[b] = gradient(pairs.get(at[b][0]), at[b][1], at[b][2], at[b][3]));
    float[] g = new float[weights.data().length];
    double loss = 0;
    double count = 0;
    for (double[] r : results) {
      for (int i = 0; i < g.length; i++) {
        g[i] += (float) r[i];
      }
      loss += r[g.length];
      count += r[g.length + 1];
    }
    for (int i = 0; i < g.length; i++) {
      g[i] /= (float) count;
    }
    adam.step(weights.data(), g);
    return loss / count;
  }

  /** Summed squared error and its gradient for one patch: {dW..., sse, pixels}. */
  private double[] gradient(TrainingPair p, int x0, int y0, int side) {
    int sy = scale.h();
    int sx = scale.w();
    Tensor x = Tensor.zeros(1, 1, side, side);
    int lw = p.lr().width();
    for (int y = 0; y < side; y++) {
      for (int xx = 0; xx < side; xx++) {
        x.set(0, 0, y, xx, p.lrY()[(y0 + y) * lw + x0 + xx] / 255f);
      }
    }
    ConvTransposePlan plan = spec.plan(side, side);
    Tensor out = Tensor.zeros(1, 1, plan.outH(), plan.outW());
    ConvTransposeReference.compute(plan, x, weights, null, out, BorderMode.REPLICATE);
    Tensor g = Tensor.zeros(1, 1, plan.outH(), plan.outW());
    int hw = p.hr().width();
    double sse = 0;
    int n = 0;
    for (int y = margin * sy; y < plan.outH() - margin * sy; y++) {
      for (int xx = margin * sx; xx < plan.outW() - margin * sx; xx++) {
        float target = p.hrY()[(y0 * sy + y) * hw + x0 * sx + xx] / 255f;
        float d = out.get(0, 0, y, xx) - target;
        sse += (double) d * d;
        g.set(0, 0, y, xx, 2 * d);
        n++;
      }
    }
    ConvTransposeGradients.Result r = ConvTransposeGradients.compute(plan, x, weights, g,
        BorderMode.REPLICATE);
    double[] res = new double[weights.data().length + 2];
    for (int i = 0; i < weights.data().length; i++) {
      res[i] = r.weights().data()[i];
    }
    res[res.length - 2] = sse;
    res[res.length - 1] = n;
    return res;
  }

  /** Patches per step. */
  @Override
  public int batch() {
    return batch;
  }
}
