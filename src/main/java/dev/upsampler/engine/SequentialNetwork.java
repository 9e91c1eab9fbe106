package dev.upsampler.engine;

import java.util.ArrayDeque;
import java.util.List;

/**
 * Layers applied in sequence (FSRCNN: convolutions and PReLUs at the input's size, then one
 * transposed convolution that upscales; ESPCN: convolutions to {@code scale^2} channels, then
 * depth to space), run on whole frames in tiles. Each output tile is
 * computed from the input rows and columns it depends on plus the convolutions' reach, cut out
 * of the frame; the zero padding a convolution applies at a cut edge corrupts at most its reach,
 * which the tile discards, so tiles join seamlessly and equal the whole frame computed at once.
 * Tiles are spread over the {@link Parallelism}'s threads, each with its own workspace.
 */
public final class SequentialNetwork {
  /**
   * Input rows and columns per tile at most (plus the reach). Measured on FSRCNN(56,12,4), 480x270,
   * one thread: 96 -> 53 ms, 160 -> 45, 240 -> 43, the whole frame as one tile 80 (its 56-channel
   * planes leave the cache); a tile's scratch is about 15 MB at 160.
   */
  static final int DEFAULT_TILE = 160;

  private final List<NetworkLayer> layers;
  /** Rows a tile's input must extend beyond what the transposed convolution reads. */
  private final int reach;
  private final NetworkLayer.ConvTranspose2d last;
  /** The depth-to-space layer ending the network (or null); never with {@code last}. */
  private final NetworkLayer.DepthToSpace shuffle;
  private final int tile;
  /** The output clamped to [clip[0], clip[1]] after the skip connection (or null). */
  private final float[] clip;
  /** Global residual: this interpolation of the input is added to the output (or null). */
  private final Interpolation skip;
  private final ConvTranspose skipLayer;
  /** The layers by direct convolution (how tiles are served), or null where that form lacks. */
  private final DirectNetwork direct;
  /** Per-thread scratch, pooled (an ArrayDeque: a linked queue allocates a node per add). */
  private final ArrayDeque<Scratch> scratch = new ArrayDeque<>();

  /** One thread's scratch for a tile: either form's. */
  private static final class Scratch {
    final NetworkLayer.Workspace layers = new NetworkLayer.Workspace();
    final DirectNetwork.Workspace direct = new DirectNetwork.Workspace(layers.plans());
  }

  public SequentialNetwork(List<NetworkLayer> layers) {
    this(layers, DEFAULT_TILE);
  }

  SequentialNetwork(List<NetworkLayer> layers, int tile) {
    this(layers, tile, null, null);
  }

  private SequentialNetwork(List<NetworkLayer> layers, int tile, Interpolation skip,
      float[] clip) {
    if (layers.isEmpty()) {
      throw new SpecException("a network needs at least one layer");
    }
    this.layers = List.copyOf(layers);
    this.tile = tile;
    int r = 0;
    for (int i = 0; i < this.layers.size(); i++) {
      NetworkLayer l = this.layers.get(i);
      if (i > 0 && this.layers.get(i - 1).outChannels() != l.inChannels()) {
        throw new SpecException("layer " + i + " takes " + l.inChannels() + " channels but layer "
            + (i - 1) + " gives " + this.layers.get(i - 1).outChannels());
      }
      if ((l instanceof NetworkLayer.ConvTranspose2d || l instanceof NetworkLayer.DepthToSpace)
          && i != this.layers.size() - 1) {
        throw new SpecException("a transposed convolution or depth to space must be the last"
            + " layer (layer " + i + " of " + this.layers.size() + ")");
      }
      if (l instanceof NetworkLayer.Conv2d c) {
        r += c.k() / 2;
      }
    }
    this.reach = r;
    this.direct = DirectNetwork.of(this.layers, VectorSupport.kernel());
    NetworkLayer end = this.layers.get(this.layers.size() - 1);
    this.last = end instanceof NetworkLayer.ConvTranspose2d t ? t : null;
    this.shuffle = end instanceof NetworkLayer.DepthToSpace d ? d : null;
    this.skip = skip;
    if (clip != null && !(clip.length == 2 && clip[0] <= clip[1])) {
      throw new SpecException("a clip needs min <= max, got " + java.util.Arrays.toString(clip));
    }
    this.clip = clip;
    if (skip != null) {
      if ((last == null && shuffle == null) || inChannels() != 1 || outChannels() != 1) {
        throw new SpecException("a " + skip.name().toLowerCase(java.util.Locale.ROOT)
            + " skip connection needs a 1-channel network ending in a transposed convolution or"
            + " depth to space");
      }
      this.skipLayer = skip.layer(1, stride(0), stride(1));
      int[] net = outputSize(30, 30);
      ConvTransposePlan p = skipLayer.spec().plan(30, 30);
      if (net[0] != p.outH() || net[1] != p.outW()) {
        throw new SpecException("the skip connection's output (" + p.outW() + "x" + p.outH()
            + " for 30x30) differs from the network's (" + net[1] + "x" + net[0] + ")");
      }
    } else {
      this.skipLayer = null;
    }
  }

  /**
   * The same layers plus a global residual connection: {@code kind}'s upscaling of the input
   * (edges replicated, as the built-in kernels) added to the output, so the layers learn only
   * what interpolation misses (VDSR's residual learning).
   */
  public SequentialNetwork withSkip(Interpolation kind) {
    return new SequentialNetwork(layers, tile, kind, clip);
  }

  /**
   * The same network with its output (after the skip connection) clamped to [{@code min}, {@code
   * max}] (on the network's [0, 1] scale): a {@code clamp} at the end of a PyTorch model.
   */
  public SequentialNetwork withClip(float min, float max) {
    return new SequentialNetwork(layers, tile, skip, new float[] {min, max});
  }

  /** The output clamp {min, max}, or null. */
  public float[] clip() {
    return clip == null ? null : clip.clone();
  }

  /** The upscaling factor along {@code axis} (0 rows, 1 columns) of the layer ending the net. */
  private int stride(int axis) {
    if (last != null) {
      return last.spec().stride().get(axis);
    }
    return shuffle != null ? shuffle.block() : 1;
  }

  /** The skip connection's interpolation, or null. */
  public Interpolation skip() {
    return skip;
  }

  public List<NetworkLayer> layers() {
    return layers;
  }

  public int inChannels() {
    return layers.get(0).inChannels();
  }

  public int outChannels() {
    return layers.get(layers.size() - 1).outChannels();
  }

  /** Output {height, width} for an input of {@code h x w}. */
  public int[] outputSize(int h, int w) {
    int[] s = {h, w};
    for (NetworkLayer l : layers) {
      s = l.outputSize(s[0], s[1]);
    }
    return s;
  }

  /** How tiles are computed, for logs and {@code --verbose}. */
  public String pathDescription() {
    if (direct == null) {
      return "tiles by im2col + GEMM, " + VectorSupport.description();
    }
    int winograd = direct.winogradLayers();
    return "tiles by direct convolution"
        + (winograd > 0 ? " (Winograd F(4,3) on " + winograd + " 3x3 layer(s))" : "") + ", "
        + VectorSupport.description();
  }

  /** Multiply-adds per input pixel (for progress and throughput reports). */
  public long macsPerPixel() {
    long macs = 0;
    for (NetworkLayer l : layers) {
      if (l instanceof NetworkLayer.Conv2d c) {
        macs += (long) c.in() * c.out() * c.k() * c.k();
      } else if (l instanceof NetworkLayer.ConvTranspose2d t) {
        macs += (long) t.inChannels() * t.rows();
      }
    }
    return macs;
  }

  /**
   * The layers (not the skip connection) on one {@code inChannels x h x w} image, untiled;
   * returns the output (a workspace buffer, valid until the workspace's next use).
   */
  public float[] forward(float[] x, int h, int w, NetworkLayer.Workspace ws) {
    float[] cur = x;
    int ch = h;
    int cw = w;
    for (int i = 0; i < layers.size(); i++) {
      NetworkLayer l = layers.get(i);
      int oh = ch;
      int ow = cw;
      if (l instanceof NetworkLayer.ConvTranspose2d t) { // the plan is cached per thread
        ConvTransposePlan p = ws.plan(t.spec(), ch, cw);
        oh = p.outH();
        ow = p.outW();
      } else if (l instanceof NetworkLayer.DepthToSpace d) {
        oh = ch * d.block();
        ow = cw * d.block();
      }
      float[] next = ws.activation(i % 2, l.outChannels() * oh * ow);
      l.forward(cur, ch, cw, next, ws);
      cur = next;
      ch = oh;
      cw = ow;
    }
    return cur;
  }

  /**
   * {@code out = range * network(in / range)} for every image of the batch: a network trained
   * on [0, 1] applied to samples in [0, range].
   */
  public void apply(Tensor in, Tensor out, Parallelism par, float range) {
    int[] o = outputSize(in.h(), in.w());
    if (in.c() != inChannels() || out.c() != outChannels() || out.n() != in.n()
        || out.h() != o[0] || out.w() != o[1]) {
      throw new ShapeException("the network maps " + inChannels() + " x " + in.h() + " x "
          + in.w() + " to " + outChannels() + " x " + o[0] + " x " + o[1] + "; got input "
          + in.shapeString() + " and output " + out.shapeString());
    }
    // Tiles of equal size (no thin last tile): fewer halos to recompute, balanced threads.
    int tileH = evenSplit(in.h(), tile);
    int tileW = evenSplit(in.w(), tile);
    int stepY = tileH * stride(0);
    int stepX = tileW * stride(1);
    int rows = (o[0] + stepY - 1) / stepY;
    int cols = (o[1] + stepX - 1) / stepX;
    int tiles = rows * cols;
    long work = macsPerPixel() * tileH * tileW;
    if (skipLayer != null) {
      skipLayer.apply(in, out, par); // the tiles add the layers' output to it
    }
    par.forEach(in.n() * tiles, work, t -> {
      Scratch ws;
      synchronized (scratch) {
        ws = scratch.poll();
      }
      if (ws == null) {
        ws = new Scratch();
      }
      try {
        int b = t / tiles;
        int r = t % tiles / cols;
        int c = t % cols;
        runTile(in, out, b, r * stepY, Math.min(o[0], (r + 1) * stepY), c * stepX,
            Math.min(o[1], (c + 1) * stepX), range, ws);
      } finally {
        synchronized (scratch) {
          scratch.push(ws);
        }
      }
    });
  }

  /**
   * How a tile's values reach the output: added to the skip connection's upscaling already
   * there (or stored), then clamped by the clip; {@code range} scales from the network's [0, 1].
   */
  private record Store(boolean add, float min, float max, float range) {
    float apply(float old, float v) {
      float r = add ? old + v * range : v * range;
      return Math.min(max, Math.max(min, r));
    }
  }

  private Store store(float range) {
    return new Store(skipLayer != null, clip == null ? Float.NEGATIVE_INFINITY : clip[0] * range,
        clip == null ? Float.POSITIVE_INFINITY : clip[1] * range, range);
  }

  /** The length of {@code ceil(n / most)} equal parts of {@code n} (the last may be shorter). */
  static int evenSplit(int n, int most) {
    int parts = Math.max(1, (n + most - 1) / most);
    return (n + parts - 1) / parts;
  }


  /** Output rows [oy0, oy1) and columns [ox0, ox1) of image {@code b}. */
  private void runTile(Tensor in, Tensor out, int b, int oy0, int oy1, int ox0, int ox1,
      float range, Scratch scratch) {
    NetworkLayer.Workspace ws = scratch.layers;
    int y0 = inputFrom(0, oy0, in.h(), ws);
    int x0 = inputFrom(1, ox0, in.w(), ws);
    int h = inputTo(0, oy1, in.h(), ws) - y0;
    int w = inputTo(1, ox1, in.w(), ws) - x0;
    int offY = offset(0, y0, h, in.h(), ws);
    int offX = offset(1, x0, w, in.w(), ws);
    if (direct != null) {
      runDirect(in, out, b, oy0, oy1, ox0, ox1, range, scratch.direct, y0, x0, h, w, offY,
          offX);
      return;
    }
    int inC = inChannels();
    float[] x = ws.activation(2, inC * h * w);
    float inv = 1f / range;
    for (int c = 0; c < inC; c++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          x[(c * h + y) * w + xx] = in.get(b, c, y0 + y, x0 + xx) * inv;
        }
      }
    }
    float[] y = forward(x, h, w, ws);
    int subH = h;
    int subW = w;
    if (last != null) {
      ConvTransposePlan sub = ws.plan(last.spec(), h, w);
      subH = sub.outH();
      subW = sub.outW();
    } else if (shuffle != null) {
      subH = h * shuffle.block();
      subW = w * shuffle.block();
    }
    Store st = store(range);
    for (int c = 0; c < outChannels(); c++) {
      for (int oy = oy0; oy < oy1; oy++) {
        int row = (c * subH + oy - offY) * subW - offX;
        for (int ox = ox0; ox < ox1; ox++) {
          out.set(b, c, oy, ox, st.apply(out.get(b, c, oy, ox), y[row + ox]));
        }
      }
    }
  }

  /** {@link #runTile} by direct convolution: the tile's input is at (y0, x0), h x w. */
  private void runDirect(Tensor in, Tensor out, int b, int oy0, int oy1, int ox0, int ox1,
      float range, DirectNetwork.Workspace ws, int y0, int x0, int h, int w, int offY,
      int offX) {
    int inC = inChannels();
    float[] x = direct.input(ws, h, w);
    int plane = ws.plane();
    float inv = 1f / range;
    for (int c = 0; c < inC; c++) {
      for (int y = 0; y < h; y++) {
        int row = c * plane + ws.at(y, 0);
        for (int xx = 0; xx < w; xx++) {
          x[row + xx] = in.get(b, c, y0 + y, x0 + xx) * inv;
        }
      }
    }
    float[] z = direct.run(ws, inC);
    Store st = store(range);
    float[] o = out.data();
    for (int c = 0; c < outChannels(); c++) {
      for (int oy = oy0; oy < oy1; oy++) {
        int row = out.offset() + b * out.strideN() + c * out.strideC() + oy * out.strideH();
        if (shuffle != null) { // phase by phase: a strided copy of one LR row each
          int ly = oy - offY;
          int by = shuffle.block();
          int my = Math.floorDiv(ly, by);
          for (int j = 0; j < by; j++) {
            int k0 = Math.floorMod(j - (ox0 - offX), by);
            int src = shuffle.source(c, ly - my * by, j) * plane
                + ws.at(my, Math.floorDiv(ox0 - offX + k0, by));
            for (int ox = ox0 + k0; ox < ox1; ox += by, src++) {
              o[row + ox] = st.apply(o[row + ox], z[src]);
            }
          }
          continue;
        }
        for (int ox = ox0; ox < ox1; ox++) {
          float v = last == null ? z[c * plane + ws.at(oy - offY, ox - offX)]
              : direct.outputValue(ws, z, c, oy - offY, ox - offX);
          o[row + ox] = st.apply(o[row + ox], v);
        }
      }
    }
  }

  /**
   * Input pixels from a cut edge (where a crop of a larger picture ends) within which some output
   * reads what is not the picture: the convolutions' zero padding, the last transposed
   * convolution's missing inputs, the skip's replicated edge. Outputs further in are exactly what
   * the whole picture gives there, so a training patch leaves only these out of its loss.
   */
  public int cutEdgeReach() {
    int m = last == null ? reach : footprint(last.spec(), reach);
    return skipLayer == null ? m : Math.max(m, footprint(skipLayer.spec(), 0));
  }

  /**
   * The smallest margin {@code e} such that every output of a transposed convolution from {@code
   * e} inputs inside either end of a 64-long input reads only inputs at least {@code before}
   * inside it (those nearer an edge are corrupted by the layers before). Counted tap by tap: with
   * a stride above the kernel's extent some outputs read fewer inputs than the bounds suggest.
   */
  private static int footprint(ConvTransposeSpec s, int before) {
    int n = 64;
    ConvTransposePlan plan = s.plan(n, n);
    int m = 0;
    for (int axis = 0; axis < 2; axis++) {
      int st = s.stride().get(axis);
      int d = s.dilation().get(axis);
      int taps = s.kernel().get(axis);
      int crop = plan.crop().begin(axis);
      int out = axis == 0 ? plan.outH() : plan.outW();
      int e = 0;
      for (int o = 0; o < out; o++) {
        for (int t = 0; t < taps; t++) {
          int at = o + crop - t * d; // = i * st for the input i this tap reads, if any
          if (Math.floorMod(at, st) != 0) {
            continue;
          }
          int i = Math.floorDiv(at, st); // outside [0, n): a pixel past a cut edge
          if (i < before) {
            e = Math.max(e, Math.floorDiv(o, st) + 1); // o must fall before e * st
          }
          if (i > n - 1 - before) {
            e = Math.max(e, Math.floorDiv(out - 1 - o, st) + 1); // o must be >= out - e * st
          }
        }
      }
      m = Math.max(m, e);
    }
    return m;
  }

  /** The first input row (axis 0) or column that output {@code o0} onwards depends on. */
  private int inputFrom(int axis, int o0, int n, NetworkLayer.Workspace ws) {
    if (last == null) {
      return Math.max(0, Math.floorDiv(o0, stride(axis)) - reach);
    }
    ConvTransposeSpec s = last.spec();
    int ext = (s.kernel().get(axis) - 1) * s.dilation().get(axis);
    int lo = Math.floorDiv(o0 + cropBegin(axis, n, ws) - ext, s.stride().get(axis));
    return Math.max(0, lo - reach);
  }

  /** One past the last input row (axis 0) or column that outputs before {@code o1} need. */
  private int inputTo(int axis, int o1, int n, NetworkLayer.Workspace ws) {
    if (last == null) {
      return Math.min(n, Math.floorDiv(o1 - 1, stride(axis)) + 1 + reach);
    }
    int hi = Math.floorDiv(o1 - 1 + cropBegin(axis, n, ws), last.spec().stride().get(axis));
    return Math.min(n, hi + 1 + reach);
  }

  /** The last layer's crop at the start of {@code axis} for an input {@code n} long. */
  private int cropBegin(int axis, int n, NetworkLayer.Workspace ws) {
    return ws.plan(last.spec(), n, n).crop().begin(axis);
  }

  /** Where a sub-image's output starts in the frame's output along {@code axis}. */
  private int offset(int axis, int start, int subLength, int n, NetworkLayer.Workspace ws) {
    if (last == null) {
      return start * stride(axis);
    }
    int subBegin = cropBegin(axis, subLength, ws);
    return start * last.spec().stride().get(axis) + cropBegin(axis, n, ws) - subBegin;
  }
}
