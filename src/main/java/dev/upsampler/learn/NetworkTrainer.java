package dev.upsampler.learn;

import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import dev.upsampler.image.UpscaleKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Trains a {@link Network} (FSRCNN) on luma in [0, 1]: random low-resolution patches, the
 * chosen {@link Loss} against the photograph, Adam per layer. A batch is split into a fixed
 * number of shards, each run by its own replica of the network (shared weights, own gradients)
 * on the {@link Parallelism}'s threads; the shards' gradients are summed in shard order, so a
 * seed gives one result whatever the number of cores.
 *
 * <p>The network pads with zeros, as PyTorch's FSRCNN does, and at inference only a frame's
 * true edges see that padding. A patch's outputs within the served network's {@link
 * SequentialNetwork#cutEdgeReach() reach} of a cut edge (one inside the photograph) see zeros
 * where the photograph continues, so they are left out of the loss (every output left in is
 * what the whole photograph gives there); edges on the photograph's own border are kept, so the
 * network also learns the frame's edges.
 *
 * <p>With a {@code skip} interpolation (bicubic, or nearest as ECBSR's repeated input), its
 * upscaling of the patch is added to the network's output
 * (a global skip connection): training starts at bicubic's quality and the layers learn only the
 * missing detail, which converges in a fraction of the steps plain FSRCNN needs.
 */
public final class NetworkTrainer implements Trainer {
  /** Shards per batch: the determinism unit, and at most this many threads. */
  static final int SHARDS = 4;

  private final Network network;
  private final List<Network> replicas = new ArrayList<>();
  private final List<Adam> optimizers = new ArrayList<>();
  private final int scale;
  private final int patch;
  private final int batch;
  private final int margin;
  private final Loss loss;
  /** The interpolation of the global residual connection, or null for none. */
  private final Interpolation skipKind;
  private final ConvTranspose skip;
  /** Patches under random flips and transposes. */
  private final boolean augment;
  private PatchSampler sampler = PatchSampler.uniform();

  public NetworkTrainer(Network network, int scale, int patch, int batch, float lr, Loss loss,
      Interpolation skip, boolean augment) {
    this.network = network;
    this.scale = scale;
    this.patch = patch;
    this.batch = batch;
    this.loss = loss;
    this.augment = augment;
    this.skipKind = skip;
    this.skip = skip != null ? skip.layer(1, scale, scale) : null;
    this.margin = inference().cutEdgeReach();
    if (patch < 2 * margin + 4 || batch < 1) {
      throw new IllegalArgumentException("patch must be >= " + (2 * margin + 4)
          + " for this network (it reaches " + margin + " pixels) and batch >= 1, got patch "
          + patch + ", batch " + batch);
    }
    for (int i = 0; i < Math.min(SHARDS, batch); i++) {
      replicas.add(network.replica());
    }
    for (Layer l : network.layers()) {
      optimizers.add(new Adam(l.parameters().length, lr));
    }
  }

  /** Draws training patches with {@code s} from now on (uniformly placed until called). */
  public NetworkTrainer sampling(PatchSampler s) {
    this.sampler = java.util.Objects.requireNonNull(s, "sampler");
    return this;
  }

  public Network network() {
    return network;
  }

  /** Low-resolution pixels along a patch's cut edges whose outputs the loss leaves out. */
  public int margin() {
    return margin;
  }

  /** One Adam per layer, in layer order (their state goes into checkpoints). */
  @Override
  public List<Adam> optimizers() {
    return optimizers;
  }

  @Override
  public List<float[]> parameters() {
    return network.layers().stream().map(Layer::parameters).toList();
  }

  /** The network as a kernel {@code upscale} can use (sharing the live weights). */
  @Override
  public UpscaleKernel kernel(String name) {
    return UpscaleKernel.network(name, inference());
  }

  /** What serves the model: the layers, plus the skip connection if it has one. */
  public SequentialNetwork inference() {
    SequentialNetwork net = network.inference();
    return skipKind != null ? net.withSkip(skipKind) : net;
  }

  @Override
  public double step(List<TrainingPair> pairs, Random rnd, Parallelism par) {
    int[][] at = sampler.draw(pairs, batch, patch, rnd);
    int[] symmetry = new int[batch];
    for (int b = 0; augment && b < batch; b++) {
      symmetry[b] = rnd.nextInt(8);
    }
    int shards = replicas.size();
    double[][] totals = new double[shards][2];
    par.forEachIndex(shards, s -> {
      Network r = replicas.get(s);
      r.zeroGradients();
      for (int b = s; b < batch; b += shards) {
        double[] t = patchGradient(r, pairs.get(at[b][0]), at[b][1], at[b][2], at[b][3],
            symmetry[b]);
        totals[s][0] += t[0];
        totals[s][1] += t[1];
      }
    });
    double sum = 0;
    double count = 0;
    for (double[] t : totals) {
      sum += t[0];
      count += t[1];
    }
    if (count == 0) {
      return 0; // every patch inside the margin of cut edges: nothing to learn from
    }
    List<Layer> layers = network.layers();
    for (int i = 0; i < layers.size(); i++) {
      float[] g = new float[layers.get(i).parameters().length];
      for (Network r : replicas) {
        float[] rg = r.layers().get(i).gradients();
        for (int j = 0; j < g.length; j++) {
          g[j] += rg[j];
        }
      }
      for (int j = 0; j < g.length; j++) {
        g[j] /= (float) count;
      }
      optimizers.get(i).step(layers.get(i).parameters(), g);
    }
    return sum / count;
  }

  /**
   * Forward and backward of one patch on a replica: {summed loss, pixels in the loss}. The patch
   * is seen under one of the 8 symmetries of the square ({@code d}: bit 0 mirrors columns, bit 1
   * rows, bit 2 transposes; 0 is the patch as it is): bicubic downscaling commutes with them, so
   * each is another valid example (the usual flip/rotate augmentation).
   */
  private double[] patchGradient(Network net, TrainingPair p, int x0, int y0, int side,
      int d) {
    int lw = p.lr().width();
    int lh = p.lr().height();
    Tensor x = Tensor.zeros(1, 1, side, side);
    for (int y = 0; y < side; y++) {
      for (int xx = 0; xx < side; xx++) {
        int src = source(d, y, xx, side);
        x.data()[y * side + xx] = p.lrY()[(y0 + src / side) * lw + x0 + src % side] / 255f;
      }
    }
    Tensor out = net.forward(x);
    float[] base = null;
    if (skip != null) {
      // The skip's upscaling of the patch (replicated edges: at cut edges it differs from the frame's only
      // within the margin, which the loss leaves out).
      Tensor interpolated = Tensor.zeros(1, 1, out.h(), out.w());
      skip.apply(x, interpolated);
      base = interpolated.data();
    }
    int n = out.h(); // side * scale: the network's output is square too
    // Loss window, in the untransformed patch: all of it, less the margin along cut edges.
    int top = y0 > 0 ? margin * scale : 0;
    int left = x0 > 0 ? margin * scale : 0;
    int bottom = y0 + side < lh ? n - margin * scale : n;
    int right = x0 + side < lw ? n - margin * scale : n;
    Tensor g = Tensor.zeros(1, 1, n, n);
    int hw = p.hr().width();
    double sum = 0;
    for (int y = 0; y < n; y++) {
      for (int xx = 0; xx < n; xx++) {
        int src = source(d, y, xx, n);
        int sy = src / n;
        int sx = src % n;
        if (sy < top || sy >= bottom || sx < left || sx >= right) {
          continue;
        }
        float target = p.hrY()[(y0 * scale + sy) * hw + x0 * scale + sx] / 255f;
        int i = y * n + xx;
        double diff = out.data()[i] + (base != null ? base[i] : 0f) - target;
        sum += loss.value(diff);
        g.data()[i] = (float) loss.derivative(diff);
      }
    }
    net.backward(g);
    // A side cut at both ends and shorter than twice the margin (a picture barely wider than
    // the patch is tall) leaves nothing in the loss.
    return new double[] {sum, (double) Math.max(0, bottom - top) * Math.max(0, right - left)};
  }

  /** Where pixel (y, x) of the transformed {@code n x n} patch comes from: {@code sy * n + sx}. */
  static int source(int d, int y, int x, int n) {
    int a = (d & 4) != 0 ? x : y;
    int b = (d & 4) != 0 ? y : x;
    int sy = (d & 2) != 0 ? n - 1 - a : a;
    int sx = (d & 1) != 0 ? n - 1 - b : b;
    return sy * n + sx;
  }

  @Override
  public int batch() {
    return batch;
  }
}
