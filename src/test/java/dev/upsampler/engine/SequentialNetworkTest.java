package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Networks run in tiles equal the whole frame run at once, on every padding front end. */
class SequentialNetworkTest {

  @Test
  void tilesJoinSeamlessly() {
    Random rnd = new Random(21);
    try (Parallelism par = Parallelism.newPool(2)) {
      for (int trial = 0; trial < 60; trial++) {
        int scale = 2 + rnd.nextInt(3);
        int k = 1 + rnd.nextInt(9);
        Padding padding = switch (rnd.nextInt(3)) {
          case 0 -> Padding.torch(Size2.square(k / 2), Size2.square(rnd.nextInt(scale)));
          case 1 -> new Padding.TensorFlow(Padding.TfMode.SAME, null);
          default -> new Padding.TensorFlow(Padding.TfMode.VALID, null);
        };
        List<NetworkLayer> layers = randomNetwork(rnd, scale, k, padding);
        int h = 1 + rnd.nextInt(40);
        int w = 1 + rnd.nextInt(40);
        int tile = 1 + rnd.nextInt(9);
        SequentialNetwork tiled = new SequentialNetwork(layers, tile);
        int[] o = tiled.outputSize(h, w);
        Tensor x = randomFrame(rnd, h, w);
        Tensor y = Tensor.zeros(1, 1, o[0], o[1]);
        tiled.apply(x, y, par, 255f);
        float[] whole = tiled.forward(unitRange(x), h, w, new NetworkLayer.Workspace());
        String what = "trial " + trial + ": x" + scale + " k" + k + " " + padding + " " + h + "x"
            + w + " tile " + tile;
        // Tiles are served by direct convolution, the whole frame here by im2col GEMMs: the
        // transposed convolution sums the same terms in another order (float32 rounding).
        for (int i = 0; i < o[0] * o[1]; i++) {
          float expected = whole[i] * 255f;
          assertEquals(expected, y.data()[i], 1e-3f + 1e-6f * Math.abs(expected),
              what + " element " + i);
        }
      }
    }
  }

  /**
   * Networks ending in depth to space (both orders, 1-3 output channels, ReLU/LeakyReLU/PReLU
   * and/or a clamp between layers, some with a nearest or bicubic skip and a clip) served in
   * tiles by direct convolution equal the untiled layers plus the skip computed here.
   */
  @Test
  void depthToSpaceNetworksTileSeamlessly() {
    Random rnd = new Random(33);
    try (Parallelism par = Parallelism.newPool(2)) {
      for (int trial = 0; trial < 60; trial++) {
        int scale = 2 + rnd.nextInt(3);
        int out = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(3) : 1;
        int c = 2 + rnd.nextInt(5);
        List<NetworkLayer> layers = new ArrayList<>();
        layers.add(new NetworkLayer.Conv2d(1, c, 3, random(rnd, c * 9 + c)));
        int activation = rnd.nextInt(4);
        if (activation < 3) {
          layers.add(switch (activation) {
            case 0 -> new NetworkLayer.LeakyRelu(c, 0f);
            case 1 -> new NetworkLayer.LeakyRelu(c, 0.1f);
            default -> new NetworkLayer.PRelu(random(rnd, c));
          });
        }
        // a clamp between layers (ReLU6-like), one side open or both, after or instead of one
        if (activation == 3 || rnd.nextInt(3) == 0) {
          layers.add(rnd.nextBoolean() ? new NetworkLayer.Clamp(c, -0.3f, 0.5f)
              : new NetworkLayer.Clamp(c, Float.NEGATIVE_INFINITY, 0.4f));
        }
        int k = 1 + 2 * rnd.nextInt(3);
        int phases = out * scale * scale;
        layers.add(new NetworkLayer.Conv2d(c, phases, k, random(rnd, phases * c * k * k
            + phases)));
        layers.add(new NetworkLayer.DepthToSpace(out, scale, rnd.nextBoolean()));
        int h = 1 + rnd.nextInt(30);
        int w = 1 + rnd.nextInt(30);
        int tile = 1 + rnd.nextInt(9);
        SequentialNetwork tiled = new SequentialNetwork(layers, tile);
        assertTrue(tiled.pathDescription().startsWith("tiles by direct convolution"), layers
            + ": " + tiled.pathDescription());
        Interpolation skip = out == 1 && rnd.nextBoolean()
            ? (rnd.nextBoolean() ? Interpolation.NEAREST : Interpolation.BICUBIC) : null;
        boolean clip = rnd.nextBoolean();
        SequentialNetwork served = skip != null ? tiled.withSkip(skip) : tiled;
        served = clip ? served.withClip(0f, 0.8f) : served;
        assertEquals(scale * h, served.outputSize(h, w)[0]);
        Tensor x = randomFrame(rnd, h, w);
        Tensor y = Tensor.zeros(1, out, h * scale, w * scale);
        served.apply(x, y, par, 255f);
        float[] whole = tiled.forward(unitRange(x), h, w, new NetworkLayer.Workspace());
        Tensor base = Tensor.zeros(1, 1, h * scale, w * scale);
        if (skip != null) {
          skip.layer(1, scale, scale).apply(x, base);
        }
        String what = "trial " + trial + ": x" + scale + " out " + out + " " + layers
            + " " + h + "x" + w + " tile " + tile + " skip " + skip + " clip " + clip;
        for (int i = 0; i < y.data().length; i++) {
          float expected = whole[i] * 255f + (skip != null ? base.data()[i] : 0f);
          expected = clip ? Math.min(0.8f * 255f, Math.max(0f, expected)) : expected;
          assertEquals(expected, y.data()[i], 1e-3f + 1e-6f * Math.abs(expected),
              what + " element " + i);
        }
      }
    }
  }

  /**
   * Networks with many channels, whose 3x3 layers run by Winograd F(4,3) ({@link WinogradRows}),
   * served in tiles equal the untiled layers: tiles of every height modulo 4, activations and a
   * clamp folded in, a 5x5 layer beside them that stays direct.
   */
  @Test
  void manyChannelNetworksRunByWinogradTileSeamlessly() {
    Random rnd = new Random(57);
    try (Parallelism par = Parallelism.newPool(2)) {
      for (int trial = 0; trial < 12; trial++) {
        int scale = 2 + rnd.nextInt(2);
        int c = 8 + rnd.nextInt(20);
        List<NetworkLayer> layers = new ArrayList<>();
        layers.add(new NetworkLayer.Conv2d(1, c, 3, random(rnd, c * 9 + c)));
        layers.add(new NetworkLayer.PRelu(random(rnd, c)));
        int k = rnd.nextBoolean() ? 3 : 5;
        layers.add(new NetworkLayer.Conv2d(c, c, k, scaled(random(rnd, c * c * k * k + c),
            3f / (c * k))));
        layers.add(rnd.nextBoolean() ? new NetworkLayer.LeakyRelu(c, 0.1f)
            : new NetworkLayer.Clamp(c, -0.5f, 0.5f));
        layers.add(new NetworkLayer.Conv2d(c, c, 3, scaled(random(rnd, c * c * 9 + c),
            1f / c)));
        int phases = scale * scale;
        layers.add(new NetworkLayer.Conv2d(c, phases, 3, random(rnd, phases * c * 9 + phases)));
        layers.add(new NetworkLayer.DepthToSpace(1, scale, rnd.nextBoolean()));
        int h = 1 + rnd.nextInt(60);
        int w = 1 + rnd.nextInt(60);
        int tile = 1 + rnd.nextInt(40);
        SequentialNetwork tiled = new SequentialNetwork(layers, tile);
        assertTrue(tiled.pathDescription().contains("Winograd"), tiled.pathDescription());
        Tensor x = randomFrame(rnd, h, w);
        Tensor y = Tensor.zeros(1, 1, h * scale, w * scale);
        tiled.apply(x, y, par, 255f);
        float[] whole = tiled.forward(unitRange(x), h, w, new NetworkLayer.Workspace());
        String what = "trial " + trial + ": x" + scale + " " + c + " channels, " + k + "x" + k
            + ", " + h + "x" + w + " tile " + tile;
        for (int i = 0; i < y.data().length; i++) {
          float expected = whole[i] * 255f;
          assertEquals(expected, y.data()[i], 1e-3f + 1e-6f * Math.abs(expected),
              what + " element " + i);
        }
      }
    }
  }

  /** A one-channel frame of uniform random values in [0, 255). */
  private static Tensor randomFrame(Random rnd, int h, int w) {
    Tensor x = Tensor.zeros(1, 1, h, w);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = rnd.nextFloat() * 255f;
    }
    return x;
  }

  /** The frame's values over 255, as the untiled layers take them. */
  private static float[] unitRange(Tensor x) {
    float[] in = new float[x.data().length];
    for (int i = 0; i < in.length; i++) {
      in[i] = x.data()[i] / 255f;
    }
    return in;
  }

  private static float[] scaled(float[] a, float by) {
    for (int i = 0; i < a.length; i++) {
      a[i] *= by;
    }
    return a;
  }

  @Test
  void refusesNetworksThatDoNotChain() {
    Random rnd = new Random(1);
    NetworkLayer conv = new NetworkLayer.Conv2d(1, 4, 3, new float[4 * 9 + 4]);
    NetworkLayer prelu = new NetworkLayer.PRelu(new float[3]);
    SpecException e = assertThrows(SpecException.class,
        () -> new SequentialNetwork(List.of(conv, prelu)));
    assertTrue(e.getMessage().contains("layer 1 takes 3 channels but layer 0 gives 4"),
        e.getMessage());
    List<NetworkLayer> net = randomNetwork(rnd, 2, 4, Padding.torch(Size2.square(1),
        Size2.square(0)));
    List<NetworkLayer> bad = new ArrayList<>(net);
    bad.add(new NetworkLayer.PRelu(new float[1]));
    e = assertThrows(SpecException.class, () -> new SequentialNetwork(bad));
    assertTrue(e.getMessage().contains("must be the last layer"), e.getMessage());
    e = assertThrows(SpecException.class, () -> new NetworkLayer.Conv2d(1, 2, 3, new float[5]));
    assertTrue(e.getMessage().contains("has 20 parameters, got 5"), e.getMessage());
  }

  /** Conv 3x3 -> PReLU -> conv 1x1 -> PReLU -> conv 5x5 -> transposed conv. */
  private static List<NetworkLayer> randomNetwork(Random rnd, int scale, int k, Padding pad) {
    List<NetworkLayer> layers = new ArrayList<>();
    layers.add(new NetworkLayer.Conv2d(1, 5, 3, random(rnd, 5 * 9 + 5)));
    layers.add(new NetworkLayer.PRelu(random(rnd, 5)));
    layers.add(new NetworkLayer.Conv2d(5, 3, 1, random(rnd, 15 + 3)));
    layers.add(new NetworkLayer.PRelu(random(rnd, 3)));
    layers.add(new NetworkLayer.Conv2d(3, 4, 5, random(rnd, 4 * 3 * 25 + 4)));
    ConvTransposeSpec spec = new ConvTransposeSpec(4, 1, Size2.square(k), Size2.square(scale),
        Size2.square(1), 1, pad, true);
    layers.add(new NetworkLayer.ConvTranspose2d(spec, random(rnd, 4 * k * k + 1)));
    return layers;
  }

  static float[] random(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextGaussian() * 0.3);
    }
    return a;
  }
}
