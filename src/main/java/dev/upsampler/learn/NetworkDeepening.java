package dev.upsampler.learn;

import java.util.ArrayList;
import java.util.List;

/**
 * Makes a trained ESPCN-style stack deeper without changing what it computes (Net2DeeperNet,
 * Chen et al. 2016), so a bigger network starts training at the smaller one's quality instead of
 * from scratch. Each added middle layer is a 3x3 convolution that passes every channel through
 * unchanged (centre tap 1, bias 0) followed by the stack's activation, which then keeps what it
 * sees: PReLU with slope 1 is the identity, and ReLU or ReLU6 receive values the activation
 * before them already clamped. The layers go just before the last convolution.
 */
public final class NetworkDeepening {
  private NetworkDeepening() {}

  /**
   * The parameter arrays (one per layer, as {@link NetworkTrainer#parameters()} lists them) of
   * {@code trained} with {@code extra} identity (convolution, activation) pairs inserted before
   * its last convolution; {@code channels} is the width of its middle layers.
   *
   * @throws IllegalArgumentException if {@code trained} is not an ESPCN-style stack of that
   *     width (3x3 convolutions, activations, a final convolution and a depth to space)
   */
  public static List<float[]> deepen(List<float[]> trained, int channels, int extra) {
    int n = trained.size();
    int middle = channels * channels * 9 + channels;
    if (extra < 0 || n < 4 || n % 2 != 0 || trained.get(n - 1).length != 0
        || trained.get(0).length != channels * 9 + channels) {
      throw new IllegalArgumentException("not an ESPCN-style stack of " + channels
          + " channels (" + n + " layers)");
    }
    for (int i = 2; i < n - 2; i += 2) {
      if (trained.get(i).length != middle) {
        throw new IllegalArgumentException("layer " + i + " is not a " + channels + " -> "
            + channels + " 3x3 convolution");
      }
    }
    float[] activation = trained.get(1);
    if (activation.length != 0 && activation.length != channels) {
      throw new IllegalArgumentException("layer 1 is not an activation of " + channels
          + " channels");
    }
    List<float[]> grown = new ArrayList<>(trained.subList(0, n - 2));
    for (int e = 0; e < extra; e++) {
      grown.add(identityConv3x3(channels));
      float[] slopes = new float[activation.length]; // PReLU slope 1; ReLU has none
      java.util.Arrays.fill(slopes, 1f);
      grown.add(slopes);
    }
    grown.addAll(trained.subList(n - 2, n));
    return grown;
  }

  /** A {@code c -> c} 3x3 convolution's weights (out, in, ky, kx) then bias: the identity. */
  static float[] identityConv3x3(int c) {
    float[] p = new float[c * c * 9 + c];
    for (int o = 0; o < c; o++) {
      p[(o * c + o) * 9 + 4] = 1f;
    }
    return p;
  }
}
