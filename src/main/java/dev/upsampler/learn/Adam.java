package dev.upsampler.learn;

/** Adam (Kingma and Ba) over a flat parameter vector, with bias-corrected moments. */
public final class Adam {
  private final float beta1 = 0.9f;
  private final float beta2 = 0.999f;
  private final float eps = 1e-8f;
  private final float[] m;
  private final float[] v;
  private float lr;
  private int t;

  public Adam(int size, float lr) {
    this.m = new float[size];
    this.v = new float[size];
    this.lr = lr;
  }

  public float learningRate() {
    return lr;
  }

  public void learningRate(float lr) {
    this.lr = lr;
  }

  /** Steps taken so far (the bias correction's {@code t}). */
  public int steps() {
    return t;
  }

  /** The first moments (live: a checkpoint copies them). */
  public float[] firstMoments() {
    return m;
  }

  /** The second moments (live). */
  public float[] secondMoments() {
    return v;
  }

  /** Continues from a checkpoint's state. */
  public void restore(float[] first, float[] second, int steps) {
    if (first.length != m.length || second.length != v.length) {
      throw new IllegalArgumentException("the checkpoint's optimizer state has " + first.length
          + " values, the model " + m.length);
    }
    System.arraycopy(first, 0, m, 0, m.length);
    System.arraycopy(second, 0, v, 0, v.length);
    t = steps;
  }

  /** One update of {@code params} against {@code grads}. */
  public void step(float[] params, float[] grads) {
    t++;
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < params.length; i++) {
      m[i] = beta1 * m[i] + (1 - beta1) * grads[i];
      v[i] = beta2 * v[i] + (1 - beta2) * grads[i] * grads[i];
      double mh = m[i] / c1;
      double vh = v[i] / c2;
      params[i] -= (float) (lr * mh / (Math.sqrt(vh) + eps));
    }
  }
}
