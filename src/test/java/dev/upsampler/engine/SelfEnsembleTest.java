package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The self-ensemble against a brute force written differently: rotations by 90 degrees and a
 * mirror (the eight symmetries of the square as rot^k and rot^k after a mirror), each output
 * rotated back and averaged.
 */
class SelfEnsembleTest {

  @Test
  void meanOfTheEightViewsOfASquareScaleNetwork() {
    Random rnd = new Random(5);
    try (Parallelism par = Parallelism.newPool(2)) {
      for (int trial = 0; trial < 12; trial++) {
        int scale = 2 + rnd.nextInt(3);
        SequentialNetwork net = shuffleNetwork(rnd, scale);
        int h = 5 + rnd.nextInt(40);
        int w = 5 + rnd.nextInt(40);
        float[] img = random(rnd, h * w, 255);
        float[] got = ensemble(net, img, h, w, par);
        float[] want = new float[h * scale * w * scale];
        for (int mirror = 0; mirror < 2; mirror++) {
          for (int k = 0; k < 4; k++) {
            Img v = new Img(img, h, w);
            if (mirror == 1) {
              v = v.mirror();
            }
            v = v.rot(k);
            Img o = run(net, v, par).rot(4 - k);
            if (mirror == 1) {
              o = o.mirror();
            }
            for (int i = 0; i < want.length; i++) {
              want[i] += o.a[i] / 8;
            }
          }
        }
        assertClose(want, got, "trial " + trial + ": x" + scale + " on " + w + "x" + h);
      }
    }
  }

  /** x2 across and x3 down: a transpose would swap the scales, so only the four flips run. */
  @Test
  void fourFlipsWhenTheScalesDiffer() {
    Random rnd = new Random(9);
    List<NetworkLayer> layers = List.of(
        new NetworkLayer.Conv2d(1, 3, 3, random(rnd, 3 * 9 + 3, 0.3f)),
        new NetworkLayer.PRelu(random(rnd, 3, 0.3f)),
        new NetworkLayer.ConvTranspose2d(new ConvTransposeSpec(3, 1, new Size2(5, 4),
            new Size2(3, 2), Size2.square(1), 1, Padding.torch(new Size2(1, 1),
            new Size2(0, 0)), true), random(rnd, 3 * 20 + 1, 0.3f)));
    SequentialNetwork net = new SequentialNetwork(layers);
    int h = 13;
    int w = 17;
    try (Parallelism par = Parallelism.newPool(2)) {
      float[] img = random(rnd, h * w, 255);
      float[] got = ensemble(net, img, h, w, par);
      float[] want = new float[got.length];
      for (int flips = 0; flips < 4; flips++) {
        Img v = new Img(img, h, w);
        v = (flips & 1) != 0 ? v.mirror() : v;
        v = (flips & 2) != 0 ? v.rot(2).mirror() : v; // rot180 after a mirror: upside down
        Img o = run(net, v, par);
        o = (flips & 2) != 0 ? o.mirror().rot(2) : o;
        o = (flips & 1) != 0 ? o.mirror() : o;
        for (int i = 0; i < want.length; i++) {
          want[i] += o.a[i] / 4;
        }
      }
      assertClose(want, got, "x2,x3 on 17x13");
    }
  }

  /** The ensemble is symmetric itself: mirroring the input mirrors the result. */
  @Test
  void commutesWithTheSymmetries() {
    Random rnd = new Random(21);
    SequentialNetwork net = shuffleNetwork(rnd, 2);
    int h = 21;
    int w = 30;
    float[] img = random(rnd, h * w, 255);
    try (Parallelism par = Parallelism.newPool(1)) {
      Img direct = new Img(ensemble(net, img, h, w, par), 2 * h, 2 * w);
      Img m = new Img(img, h, w).mirror();
      Img mirrored = new Img(ensemble(net, m.a, m.h, m.w, par), 2 * h, 2 * w).mirror();
      assertClose(direct.a, mirrored.a, "mirror");
      Img r = new Img(img, h, w).rot(1);
      Img rotated = new Img(ensemble(net, r.a, r.h, r.w, par), 2 * w, 2 * h).rot(3);
      assertClose(direct.a, rotated.a, "rotation");
    }
  }

  @Test
  void refusesBatchesAndWrongOutputs() {
    SequentialNetwork net = shuffleNetwork(new Random(1), 2);
    try (Parallelism par = Parallelism.newPool(1)) {
      ShapeException e = assertThrows(ShapeException.class, () -> SelfEnsemble.apply(net,
          Tensor.zeros(2, 1, 8, 8), Tensor.zeros(2, 1, 16, 16), par, 1f));
      assertTrue(e.getMessage().contains("one single-channel image"), e.getMessage());
      e = assertThrows(ShapeException.class, () -> SelfEnsemble.apply(net,
          Tensor.zeros(1, 1, 8, 8), Tensor.zeros(1, 1, 16, 15), par, 1f));
      assertTrue(e.getMessage().contains("maps 8 x 8 to 16 x 16"), e.getMessage());
    }
  }

  /** 3x3 conv -> PReLU -> 3x3 conv to scale^2 channels -> depth to space, bicubic skip. */
  private static SequentialNetwork shuffleNetwork(Random rnd, int scale) {
    int c = 4;
    int s2 = scale * scale;
    return new SequentialNetwork(List.of(
        new NetworkLayer.Conv2d(1, c, 3, random(rnd, c * 9 + c, 0.3f)),
        new NetworkLayer.PRelu(random(rnd, c, 0.3f)),
        new NetworkLayer.Conv2d(c, s2, 3, random(rnd, s2 * c * 9 + s2, 0.3f)),
        new NetworkLayer.DepthToSpace(1, scale, true)))
        .withSkip(Interpolation.BICUBIC);
  }

  private static float[] ensemble(SequentialNetwork net, float[] img, int h, int w,
      Parallelism par) {
    int[] o = net.outputSize(h, w);
    Tensor out = Tensor.zeros(1, 1, o[0], o[1]);
    SelfEnsemble.apply(net, Tensor.wrap(img.clone(), 1, 1, h, w), out, par, 255f);
    return out.data();
  }

  private static Img run(SequentialNetwork net, Img in, Parallelism par) {
    int[] o = net.outputSize(in.h, in.w);
    Tensor out = Tensor.zeros(1, 1, o[0], o[1]);
    net.apply(Tensor.wrap(in.a.clone(), 1, 1, in.h, in.w), out, par, 255f);
    return new Img(out.data(), o[0], o[1]);
  }

  private static void assertClose(float[] want, float[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-3f + 1e-5f * Math.abs(want[i]), what + " at " + i);
    }
  }

  /** A row-major image; rot turns it a quarter counter-clockwise k times. */
  private record Img(float[] a, int h, int w) {
    Img rot(int k) {
      Img r = this;
      for (int i = 0; i < k % 4; i++) {
        float[] b = new float[r.a.length];
        for (int y = 0; y < r.h; y++) {
          for (int x = 0; x < r.w; x++) {
            b[(r.w - 1 - x) * r.h + y] = r.a[y * r.w + x];
          }
        }
        r = new Img(b, r.w, r.h);
      }
      return r;
    }

    Img mirror() {
      float[] b = new float[a.length];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          b[y * w + w - 1 - x] = a[y * w + x];
        }
      }
      return new Img(b, h, w);
    }
  }

  private static float[] random(Random rnd, int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = scale == 255 ? rnd.nextFloat() * 255 : (float) (rnd.nextGaussian() * scale);
    }
    return a;
  }
}
