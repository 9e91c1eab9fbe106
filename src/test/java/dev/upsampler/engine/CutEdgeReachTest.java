package dev.upsampler.engine;

import static dev.upsampler.engine.SequentialNetworkTest.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SequentialNetwork#cutEdgeReach()} is exact: a crop of a frame, run alone, gives the whole
 * frame's outputs from that many input pixels inside its cut edges on, and not from one pixel
 * further out. The trainer leaves exactly that band out of a patch's loss, so no output it
 * learns from sees zero padding where the photograph goes on.
 */
class CutEdgeReachTest {
  private static final int FRAME = 48;

  @Test
  void aCropMatchesTheWholeFrameExactlyFromTheReachOn() {
    Random rnd = new Random(17);
    try (Parallelism par = Parallelism.newPool(2)) {
      for (int trial = 0; trial < 60; trial++) {
        int scale = 2 + rnd.nextInt(3);
        List<NetworkLayer> layers = trial % 2 == 0 ? depthToSpace(rnd, scale)
            : transposed(rnd, scale);
        SequentialNetwork net = new SequentialNetwork(layers, 1 + rnd.nextInt(20));
        Interpolation skip = switch (rnd.nextInt(3)) {
          case 0 -> Interpolation.BICUBIC;
          case 1 -> Interpolation.NEAREST;
          default -> null;
        };
        if (skip != null && sameSizeAsSkip(net, scale)) {
          net = net.withSkip(skip);
        } else {
          skip = null;
        }
        int m = net.cutEdgeReach();
        int side = 2 * m + 1 + rnd.nextInt(10);
        int y0 = 1 + rnd.nextInt(FRAME - side - 1); // every edge of the crop is cut
        int x0 = 1 + rnd.nextInt(FRAME - side - 1);
        Tensor frame = Tensor.zeros(1, 1, FRAME, FRAME);
        for (int i = 0; i < frame.data().length; i++) {
          frame.data()[i] = rnd.nextFloat() * 255f;
        }
        Tensor crop = Tensor.zeros(1, 1, side, side);
        for (int y = 0; y < side; y++) {
          System.arraycopy(frame.data(), (y0 + y) * FRAME + x0, crop.data(), y * side, side);
        }
        Tensor whole = run(net, frame, par);
        Tensor part = run(net, crop, par);
        String what = "trial " + trial + ": x" + scale + " " + layers + " skip " + skip
            + " reach " + m + ", crop " + side + " at " + x0 + "," + y0;
        assertEquals(0f, largestDifference(whole, part, y0, x0, m, scale), 1e-3f, what);
        if (m > 0) {
          // One pixel further out, some output differs by more than rounding.
          assertTrue(largestDifference(whole, part, y0, x0, m - 1, scale) > 1e-2f, what
              + ": reach " + (m - 1) + " would do");
        }
      }
    }
  }

  /** The largest difference between the crop's outputs {@code m} inputs inside and the frame's. */
  private static float largestDifference(Tensor whole, Tensor part, int y0, int x0, int m,
      int scale) {
    float most = 0;
    for (int y = m * scale; y < part.h() - m * scale; y++) {
      for (int x = m * scale; x < part.w() - m * scale; x++) {
        float expected = whole.data()[(y + y0 * scale) * whole.w() + x + x0 * scale];
        float diff = Math.abs(part.data()[y * part.w() + x] - expected);
        most = Math.max(most, diff / (1 + 1e-3f * Math.abs(expected)));
      }
    }
    return most;
  }

  private static Tensor run(SequentialNetwork net, Tensor x, Parallelism par) {
    int[] o = net.outputSize(x.h(), x.w());
    Tensor y = Tensor.zeros(1, 1, o[0], o[1]);
    net.apply(x, y, par, 255f);
    return y;
  }

  private static boolean sameSizeAsSkip(SequentialNetwork net, int scale) {
    int[] o = net.outputSize(30, 30);
    return o[0] == 30 * scale && o[1] == 30 * scale;
  }

  /** Convolutions of 1, 3 or 5 taps with PReLU between them, to scale^2 channels, shuffled. */
  private static List<NetworkLayer> depthToSpace(Random rnd, int scale) {
    List<NetworkLayer> layers = new ArrayList<>();
    int c = 2 + rnd.nextInt(4);
    int in = 1;
    for (int i = 0, depth = 1 + rnd.nextInt(3); i < depth; i++) {
      int k = 1 + 2 * rnd.nextInt(3);
      layers.add(new NetworkLayer.Conv2d(in, c, k, random(rnd, c * in * k * k + c)));
      layers.add(new NetworkLayer.PRelu(random(rnd, c)));
      in = c;
    }
    int k = 1 + 2 * rnd.nextInt(2);
    int phases = scale * scale;
    layers.add(new NetworkLayer.Conv2d(c, phases, k, random(rnd, phases * c * k * k + phases)));
    layers.add(new NetworkLayer.DepthToSpace(1, scale, rnd.nextBoolean()));
    return layers;
  }

  /** A convolution and PReLU, then a transposed convolution padded as PyTorch pads. */
  private static List<NetworkLayer> transposed(Random rnd, int scale) {
    List<NetworkLayer> layers = new ArrayList<>();
    int c = 2 + rnd.nextInt(4);
    int k = 1 + 2 * rnd.nextInt(3);
    layers.add(new NetworkLayer.Conv2d(1, c, k, random(rnd, c * k * k + c)));
    layers.add(new NetworkLayer.PRelu(random(rnd, c)));
    int kt = 1 + rnd.nextInt(10);
    Padding pad = Padding.torch(Size2.square(rnd.nextInt(kt / 2 + 1)),
        Size2.square(rnd.nextInt(scale)));
    ConvTransposeSpec spec = new ConvTransposeSpec(c, 1, Size2.square(kt), Size2.square(scale),
        Size2.square(1), 1, pad, true);
    layers.add(new NetworkLayer.ConvTranspose2d(spec, random(rnd, c * kt * kt + 1)));
    return layers;
  }
}
