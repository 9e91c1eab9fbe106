package dev.upsampler.learn;

import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Tensor;
import java.util.List;
import java.util.Random;

/**
 * Where a batch's training patches come from: {picture index, x, y, side} per patch in
 * low-resolution pixels, the side {@code patch} (or the picture's smaller side). Uniformly placed
 * on a uniformly chosen picture, or, with {@code candidates > 1}, the hardest of that many such
 * draws: the one where bicubic upscaling of the low-resolution patch misses the photograph most
 * (sum of squared luma differences). Flat sky and blur, where bicubic is already right, then
 * take fewer of the steps, edges and texture more (the idea of SamplingAug, Wang et al. 2021,
 * for small networks); validation is untouched.
 */
public final class PatchSampler {
  /** Low-resolution pixels around a candidate that bicubic reads (its 4 taps reach 2). */
  private static final int REACH = 2;
  private final int candidates;
  private ConvTranspose bicubic;
  private int bicubicScale;

  private PatchSampler(int candidates) {
    if (candidates < 1 || candidates > 64) {
      throw new IllegalArgumentException("patch candidates must be 1..64, got " + candidates);
    }
    this.candidates = candidates;
  }

  public static PatchSampler uniform() {
    return new PatchSampler(1);
  }

  /** The hardest of {@code candidates} uniform draws for each patch (1: uniform). */
  public static PatchSampler hardest(int candidates) {
    return new PatchSampler(candidates);
  }

  public int candidates() {
    return candidates;
  }

  /** A batch of patch positions; not thread-safe (one sampler per trainer). */
  int[][] draw(List<TrainingPair> pairs, int batch, int patch, Random rnd) {
    int[][] at = new int[batch][];
    for (int b = 0; b < batch; b++) {
      at[b] = uniform(pairs, patch, rnd);
      if (candidates > 1) {
        double worst = missed(pairs.get(at[b][0]), at[b]);
        for (int k = 1; k < candidates; k++) {
          int[] c = uniform(pairs, patch, rnd);
          double m = missed(pairs.get(c[0]), c);
          if (m > worst) {
            worst = m;
            at[b] = c;
          }
        }
      }
    }
    return at;
  }

  private static int[] uniform(List<TrainingPair> pairs, int patch, Random rnd) {
    int index = rnd.nextInt(pairs.size());
    TrainingPair p = pairs.get(index);
    int lw = p.lr().width();
    int lh = p.lr().height();
    int side = Math.min(patch, Math.min(lw, lh));
    return new int[] {index, rnd.nextInt(lw - side + 1), rnd.nextInt(lh - side + 1), side};
  }

  /** Sum of squared differences between the photo and bicubic's upscaling, over a patch. */
  double missed(TrainingPair p, int[] at) {
    int s = p.hr().width() / p.lr().width();
    if (bicubic == null || bicubicScale != s) {
      bicubic = Interpolation.BICUBIC.layer(1, s, s);
      bicubicScale = s;
    }
    int lw = p.lr().width();
    int lh = p.lr().height();
    int x0 = Math.max(0, at[1] - REACH);
    int y0 = Math.max(0, at[2] - REACH);
    int x1 = Math.min(lw, at[1] + at[3] + REACH);
    int y1 = Math.min(lh, at[2] + at[3] + REACH);
    int w = x1 - x0;
    Tensor lr = Tensor.zeros(1, 1, y1 - y0, w);
    for (int y = y0; y < y1; y++) {
      System.arraycopy(p.lrY(), y * lw + x0, lr.data(), (y - y0) * w, w);
    }
    Tensor up = Tensor.zeros(1, 1, (y1 - y0) * s, w * s);
    bicubic.apply(lr, up);
    int hw = p.hr().width();
    double sum = 0;
    for (int y = at[2] * s; y < (at[2] + at[3]) * s; y++) {
      int row = (y - y0 * s) * w * s - x0 * s;
      for (int x = at[1] * s; x < (at[1] + at[3]) * s; x++) {
        double d = p.hrY()[y * hw + x] - up.data()[row + x];
        sum += d * d;
      }
    }
    return sum;
  }
}
