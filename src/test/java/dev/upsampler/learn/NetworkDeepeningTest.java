package dev.upsampler.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * A deepened network computes what the trained one did, for every activation the trainer offers
 * (PReLU slopes and weights drawn at random, so negative activations and clamped values occur),
 * and a stack that is not ESPCN-shaped is refused.
 */
class NetworkDeepeningTest {

  @ParameterizedTest
  @ValueSource(strings = {"prelu", "relu", "relu6"})
  void deepenedNetworkComputesTheSame(String activation) {
    Random rnd = new Random(7);
    for (int round = 0; round < 4; round++) {
      int c = 3 + rnd.nextInt(6);
      int mid = rnd.nextInt(3);
      int scale = 2 + rnd.nextInt(3);
      Network trained = Network.espcn(c, mid, scale, activation, rnd);
      for (Layer l : trained.layers()) {
        float[] p = l.parameters();
        for (int i = 0; i < p.length; i++) {
          p[i] = (float) (rnd.nextGaussian() * (activation.equals("relu6") ? 2 : 0.4));
        }
      }
      int extra = 1 + rnd.nextInt(3);
      Network deeper = Network.espcn(c, mid + extra, scale, activation, rnd);
      List<float[]> grown = NetworkDeepening.deepen(
          trained.layers().stream().map(Layer::parameters).toList(), c, extra);
      assertEquals(deeper.layers().size(), grown.size());
      for (int i = 0; i < grown.size(); i++) {
        float[] live = deeper.layers().get(i).parameters();
        assertEquals(live.length, grown.get(i).length, "layer " + i);
        System.arraycopy(grown.get(i), 0, live, 0, live.length);
      }
      int h = 5 + rnd.nextInt(9);
      int w = 5 + rnd.nextInt(9);
      Tensor x = Tensor.zeros(1, 1, h, w);
      for (int i = 0; i < x.data().length; i++) {
        x.data()[i] = rnd.nextFloat() * 4 - 2;
      }
      float[] want = trained.forward(x).data().clone();
      float[] got = deeper.forward(x).data();
      String what = activation + " C=" + c + " M=" + mid + "+" + extra + " x" + scale;
      assertArrayEquals(want, got, 1e-5f, what);
      double energy = 0;
      for (float v : want) {
        energy += v * v;
      }
      assertTrue(energy > 1e-3 * want.length, what + ": the check needs outputs away from 0");
    }
  }

  @Test
  void identityConvolutionPassesEachChannel() {
    float[] p = NetworkDeepening.identityConv3x3(2);
    // (out, in, ky, kx) then bias: only the centre taps of out 0 <- in 0 and out 1 <- in 1.
    float[] want = new float[2 * 2 * 9 + 2];
    want[4] = 1;
    want[3 * 9 + 4] = 1;
    assertArrayEquals(want, p);
  }

  @Test
  void refusesStacksThatAreNotEspcnShaped() {
    Random rnd = new Random(1);
    List<float[]> fsrcnn = Network.fsrcnn(8, 4, 1, 2, rnd).layers().stream()
        .map(Layer::parameters).toList();
    assertThrows(IllegalArgumentException.class, () -> NetworkDeepening.deepen(fsrcnn, 8, 1));
    List<float[]> espcn = Network.espcn(8, 2, 2, "prelu", rnd).layers().stream()
        .map(Layer::parameters).toList();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkDeepening.deepen(espcn, 16, 1));
    assertTrue(e.getMessage().contains("16 channels"), e.getMessage());
  }
}
