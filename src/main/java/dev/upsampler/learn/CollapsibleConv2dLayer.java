package dev.upsampler.learn;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Tensor;
import java.util.Random;

/**
 * A re-parameterised {@code k x k} convolution (SESR's collapsible linear block): trained as a
 * {@code k x k} convolution to {@code expand} channels, a 1x1 convolution back to {@code out},
 * plus the input itself when {@code in == out}; served as the single convolution they equal.
 * The branches are linear, so {@code W = W1 * W3 (+ identity at the centre tap)} and {@code b =
 * W1 * b3 + b1} exactly, borders included (the 1x1 comes after the {@code k x k}, so the zero
 * padding is the same). The merge happens at every step: the forward pass costs what the served
 * convolution costs, and the gradient reaches the factors by the chain rule, once per batch.
 */
public final class CollapsibleConv2dLayer implements Layer {
  private final int in;
  private final int out;
  private final int k;
  private final int expand;
  private final boolean residual;
  /** Factors: W3 [expand][in][k][k], b3 [expand], W1 [out][expand], b1 [out]. */
  private final float[] params;
  private final float[] grads;
  /** The merged convolution this replica runs (its own arrays). */
  private final Conv2dLayer merged;
  /**
   * The factors may have changed since the last merge (set by {@link #zeroGradients}, which the
   * trainer calls before each batch, after the optimiser's step): patches of one batch share
   * one merge, and their merged gradients reach the factors once, when {@link #gradients} is read.
   */
  private boolean stale = true;
  private boolean unchained;

  /**
   * @param std the standard deviation the merged weights start with (He's for a hidden layer,
   *     small for a last layer)
   */
  public CollapsibleConv2dLayer(int in, int out, int k, int expand, Random init, double std) {
    this(in, out, k, expand, new float[expand * in * k * k + expand + out * expand + out]);
    double a = Math.sqrt(1.0 / (in * k * k));
    double b = std / (a * Math.sqrt(expand)); // Var(merged) = expand * Var(W1) * Var(W3)
    for (int i = 0; i < expand * in * k * k; i++) {
      params[i] = (float) (init.nextGaussian() * a);
    }
    for (int i = 0; i < out * expand; i++) {
      params[w1() + i] = (float) (init.nextGaussian() * b);
    }
  }

  private CollapsibleConv2dLayer(int in, int out, int k, int expand, float[] params) {
    this.in = in;
    this.out = out;
    this.k = k;
    this.expand = expand;
    this.residual = in == out;
    this.params = params;
    this.grads = new float[params.length];
    this.merged = new Conv2dLayer(new NetworkLayer.Conv2d(in, out, k,
        new float[NetworkLayer.Conv2d.weightCount(in, out, k) + out]));
  }

  private int b3() {
    return expand * in * k * k;
  }

  private int w1() {
    return b3() + expand;
  }

  private int b1() {
    return w1() + out * expand;
  }

  /** The served convolution's parameters ({@code [out][in][k][k]} then bias) into {@code p}. */
  void merge(float[] p) {
    int taps = in * k * k;
    int centre = (k / 2) * k + k / 2;
    for (int o = 0; o < out; o++) {
      for (int t = 0; t < taps; t++) {
        double s = 0;
        for (int e = 0; e < expand; e++) {
          s += (double) params[w1() + o * expand + e] * params[e * taps + t];
        }
        p[o * taps + t] = (float) s;
      }
      if (residual) {
        p[o * taps + o * k * k + centre] += 1f;
      }
      double bias = params[b1() + o];
      for (int e = 0; e < expand; e++) {
        bias += (double) params[w1() + o * expand + e] * params[b3() + e];
      }
      p[out * taps + o] = (float) bias;
    }
  }

  @Override
  public Tensor forward(Tensor x) {
    if (stale) {
      merge(merged.parameters());
      stale = false;
    }
    return merged.forward(x);
  }

  @Override
  public Tensor backward(Tensor g) {
    unchained = true;
    return merged.backward(g); // adds to the merged gradients; chained in gradients()
  }

  @Override
  public void zeroGradients() {
    java.util.Arrays.fill(grads, 0f);
    merged.zeroGradients();
    unchained = false;
    stale = true;
  }

  /** Adds the merged convolution's gradients, through the merge, to the factors'. */
  private void chain() {
    float[] gw = merged.gradients();
    int taps = in * k * k;
    int gb = out * taps;
    for (int e = 0; e < expand; e++) {
      for (int t = 0; t < taps; t++) {
        double s = 0;
        for (int o = 0; o < out; o++) {
          s += (double) params[w1() + o * expand + e] * gw[o * taps + t];
        }
        grads[e * taps + t] += (float) s;
      }
      double s = 0;
      for (int o = 0; o < out; o++) {
        s += (double) params[w1() + o * expand + e] * gw[gb + o];
      }
      grads[b3() + e] += (float) s;
    }
    for (int o = 0; o < out; o++) {
      for (int e = 0; e < expand; e++) {
        double s = (double) gw[gb + o] * params[b3() + e];
        for (int t = 0; t < taps; t++) {
          s += (double) gw[o * taps + t] * params[e * taps + t];
        }
        grads[w1() + o * expand + e] += (float) s;
      }
      grads[b1() + o] += gw[gb + o];
    }
    merged.zeroGradients();
  }

  @Override
  public float[] parameters() {
    return params;
  }

  @Override
  public float[] gradients() {
    if (unchained) {
      chain();
      unchained = false;
    }
    return grads;
  }

  /** The merged convolution, computed now from the current factors (a new array each call). */
  @Override
  public NetworkLayer inference() {
    float[] p = new float[NetworkLayer.Conv2d.weightCount(in, out, k) + out];
    merge(p);
    return new NetworkLayer.Conv2d(in, out, k, p);
  }

  @Override
  public Layer replica() {
    return new CollapsibleConv2dLayer(in, out, k, expand, params);
  }
}
