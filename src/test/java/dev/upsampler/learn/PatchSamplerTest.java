package dev.upsampler.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hard-patch sampling: the score is bicubic's miss over the patch as the whole picture's bicubic
 * upscaling gives it, flat areas score nothing, and more candidates move patches to texture.
 */
class PatchSamplerTest {

  /** A picture whose left half is flat grey and right half random texture. */
  private static TrainingPair halfTextured(int w, int h, int scale, long seed) {
    Random rnd = new Random(seed);
    byte[] px = new byte[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        px[y * w + x] = (byte) (x < w / 2 ? 120 : rnd.nextInt(256));
      }
    }
    Frame f = Frame.of8(PixelLayout.GRAY8, w, h, px, FrameInfo.NONE);
    return TrainingPair.of("half", f, Size2.square(scale));
  }

  @Test
  void theScoreIsBicubicsMissOverThePatch() {
    for (int scale = 2; scale <= 4; scale++) {
      TrainingPair p = halfTextured(96, 72, scale, scale);
      int lw = p.lr().width();
      int lh = p.lr().height();
      Tensor up = Tensor.zeros(1, 1, lh * scale, lw * scale);
      Interpolation.BICUBIC.layer(1, scale, scale).apply(Tensor.wrap(p.lrY(), 1, 1, lh, lw), up);
      PatchSampler s = PatchSampler.hardest(2);
      // inside, touching each border, the whole picture's smaller side
      for (int[] at : new int[][] {{0, 5, 3, 8}, {0, 0, 0, 6}, {0, lw - 7, lh - 7, 7},
          {0, 0, 0, Math.min(lw, lh)}}) {
        double want = 0;
        for (int y = at[2] * scale; y < (at[2] + at[3]) * scale; y++) {
          for (int x = at[1] * scale; x < (at[1] + at[3]) * scale; x++) {
            double d = p.hrY()[y * lw * scale + x] - up.data()[y * lw * scale + x];
            want += d * d;
          }
        }
        double got = s.missed(p, at);
        assertEquals(want, got, 1e-6 * want + 1e-6, "x" + scale + " patch "
            + java.util.Arrays.toString(at));
      }
      assertEquals(0, s.missed(p, new int[] {0, 2, 2, 5}), 1e-6, "flat: bicubic is exact");
    }
  }

  @Test
  void moreCandidatesDrawTexturedPatches() {
    List<TrainingPair> pairs = List.of(halfTextured(160, 80, 2, 1));
    int patch = 8;
    double[] textured = new double[2];
    int[] ks = {1, 4};
    for (int i = 0; i < ks.length; i++) {
      int[][] at = PatchSampler.hardest(ks[i]).draw(pairs, 2000, patch, new Random(5));
      for (int[] a : at) {
        assertTrue(a[1] >= 0 && a[2] >= 0 && a[1] + a[3] <= 80 && a[2] + a[3] <= 40
            && a[3] == patch, java.util.Arrays.toString(a));
        textured[i] += a[1] + patch / 2.0 >= 40 ? 1.0 / at.length : 0;
      }
    }
    // Uniform: about half the patches are centred on the textured half; the hardest of 4 draws
    // misses it only when all 4 fall on the flat half, (1/2)^4 of the time.
    assertEquals(0.5, textured[0], 0.05, "uniform");
    assertEquals(1 - 1 / 16.0, textured[1], 0.03, "hardest of 4");
  }
}
