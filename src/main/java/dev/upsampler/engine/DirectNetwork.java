package dev.upsampler.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A {@link SequentialNetwork}'s layers on one tile by direct convolution, the way it serves
 * frames. Activations are planes with a zero border of {@code P} pixels stored flat ({@code W' =
 * w + 2P} per row), so a same-padded {@code k x k} convolution is, for each output channel, one
 * long weighted sum of shifted copies of the input ({@link RowKernel#conv}): no im2col copy, the
 * bias and the following PReLU applied in the store, the border columns it writes cleared after.
 * A 3x3 layer with many channels runs by Winograd F(4,3) instead ({@link WinogradRows}): the same
 * kernel on transformed planes, half the multiply-adds.
 *
 * <p>The final transposed convolution (stride {@code s}) runs phase by phase: output position
 * {@code s*m + phi} (before the crop) is {@code sum over c, t of W[c][phi + s*t] * x[c][m - t]},
 * a convolution of the input with a sub-kernel per phase. So all {@code out x sH x sW} phases run
 * as the rows of one {@link RowKernel#conv} over the shared taps (zero weights where a phase has
 * fewer), and are interleaved into the output as the tile is copied out. A network ending in
 * depth to space is read the same way: its last convolution's output channels are the phases.
 */
final class DirectNetwork {
  private final List<Step> steps;
  /** The transposed convolution ending the network, or null. */
  private final NetworkLayer.ConvTranspose2d last;
  private final int convHalo;
  private final int maxChannels;
  private final int winogradLayers;
  private final RowKernel kernel;

  /**
   * Whether 3x3 convolutions with many channels run by {@link WinogradRows} (default); {@code
   * -Dupsampler.conv.winograd=false} keeps them direct, to compare the two.
   */
  static final boolean WINOGRAD = !"false".equals(System.getProperty("upsampler.conv.winograd"));

  /**
   * A convolution, the activation folded into its store (PReLU slopes, ReLU: zeros; or null),
   * a clamp after that (ReLU6) or null, and its weights laid out once for the kernel: for
   * {@link WinogradRows} ({@code winograd}) or for {@link RowKernel#conv} ({@code direct}, tap
   * by tap), the other null.
   */
  private record Step(NetworkLayer.Conv2d conv, float[] slopes, NetworkLayer.Clamp clamp,
      float[] direct, float[][] winograd) {

    static Step of(NetworkLayer.Conv2d c, float[] slopes, NetworkLayer.Clamp clamp) {
      if (WINOGRAD && WinogradRows.pays(c)) {
        return new Step(c, slopes, clamp, null, WinogradRows.weights(c));
      }
      int k2 = c.k() * c.k();
      float[] p = c.params();
      float[] w = new float[c.in() * k2 * c.out()];
      for (int t = 0; t < c.in() * k2; t++) { // tap t = (ci, ky, kx); params [o][ci][ky][kx]
        for (int o = 0; o < c.out(); o++) {
          w[t * c.out() + o] = p[o * c.in() * k2 + t];
        }
      }
      return new Step(c, slopes, clamp, w, null);
    }
  }

  private DirectNetwork(List<Step> steps, NetworkLayer.ConvTranspose2d last, RowKernel kernel) {
    this.steps = steps;
    this.last = last;
    this.kernel = kernel;
    int halo = 0;
    int channels = steps.isEmpty() ? last.inChannels() : steps.get(0).conv().in();
    for (Step s : steps) {
      halo = Math.max(halo, s.conv().k() / 2);
      channels = Math.max(channels, s.conv().out());
    }
    this.convHalo = halo;
    this.maxChannels = channels;
    this.winogradLayers = (int) steps.stream().filter(s -> s.winograd() != null).count();
  }

  /**
   * The direct form of {@code layers}, or null where it does not apply: an activation or clamp
   * that does not follow a convolution (and its activation), a transposed convolution with
   * dilation, depth to space that does not follow a convolution.
   */
  static DirectNetwork of(List<NetworkLayer> layers, RowKernel kernel) {
    List<Step> steps = new ArrayList<>();
    NetworkLayer.ConvTranspose2d last = null;
    for (int i = 0; i < layers.size(); i++) {
      NetworkLayer l = layers.get(i);
      if (l instanceof NetworkLayer.Conv2d c) {
        NetworkLayer next = i + 1 < layers.size() ? layers.get(i + 1) : null;
        float[] slopes = next instanceof NetworkLayer.PRelu pr ? pr.slopes()
            : next instanceof NetworkLayer.LeakyRelu r ? r.slopes() : null;
        if (slopes != null && slopes.length != c.out()) {
          return null;
        }
        i += slopes == null ? 0 : 1;
        NetworkLayer.Clamp clamp = i + 1 < layers.size()
            && layers.get(i + 1) instanceof NetworkLayer.Clamp k ? k : null;
        i += clamp == null ? 0 : 1;
        steps.add(Step.of(c, slopes, clamp));
      } else if (l instanceof NetworkLayer.ConvTranspose2d t && i == layers.size() - 1
          && t.spec().dilation().h() == 1 && t.spec().dilation().w() == 1) {
        last = t;
      } else if (l instanceof NetworkLayer.DepthToSpace && i == layers.size() - 1
          && !steps.isEmpty()) {
        continue; // its input planes are the phases the caller interleaves
      } else {
        return null;
      }
    }
    if (steps.isEmpty() && last == null) {
      return null;
    }
    return new DirectNetwork(List.copyOf(steps), last, kernel);
  }

  /** How many of the convolutions run by {@link WinogradRows}. */
  int winogradLayers() {
    return winogradLayers;
  }

  /**
   * Per-thread scratch, grown on demand and reused, and the geometry of the current tile's flat
   * planes: {@code h x w} interior pixels inside a zero border of {@code pad}.
   */
  static final class Workspace {
    private final PlanCache plans;
    private float[] a = new float[0];
    private float[] b = new float[0];
    private float[] z = new float[0];
    private float[] weights = new float[0];
    private float[] bias = new float[0];
    private int[] taps = new int[0];
    private int h;
    private int w;
    private int pad;
    /** Zero rows below the bottom border ({@link WinogradRows#ROWS_BELOW}, or 0). */
    private int below;
    private ConvTransposePlan plan;
    private final WinogradRows.Scratch winograd = new WinogradRows.Scratch();

    /** @param plans the thread's plan cache (tiles repeat a few sizes) */
    Workspace(PlanCache plans) {
      this.plans = plans;
    }

    int rowLength() {
      return w + 2 * pad;
    }

    /** Floats per channel: the interior, the border, and rows below for Winograd's reads. */
    int plane() {
      return (h + 2 * pad + below) * rowLength();
    }

    /** Flat index of interior pixel (y, x) in a plane; y and x may reach into the border. */
    int at(int y, int x) {
      return (pad + y) * rowLength() + pad + x;
    }

    private static float[] grow(float[] f, int size) {
      return f.length < size ? new float[size] : f;
    }

    private int[] taps(int n) {
      if (taps.length < n) {
        taps = new int[n];
      }
      return taps;
    }
  }

  /** Border needed by the transposed convolution along one axis of an {@code n}-long input. */
  private static int phaseHalo(int n, int stride, int kernel, int cropBegin, int outLength) {
    int taps = (kernel + stride - 1) / stride;
    int m0 = Math.floorDiv(cropBegin, stride);
    int m1 = Math.floorDiv(cropBegin + outLength - 1, stride);
    return Math.max(0, Math.max(taps - 1 - m0, m1 - (n - 1)));
  }

  /**
   * Prepares {@code ws} for an {@code h x w} tile and returns the planes to fill: {@code
   * inChannels} planes of {@link Workspace#plane()} floats, pixel (y, x) of channel c at {@code c
   * * plane + at(y, x)}; the border is this class's to clear.
   */
  float[] input(Workspace ws, int h, int w) {
    int pad = convHalo;
    ws.plan = null;
    if (last != null) {
      ConvTransposeSpec s = last.spec();
      ConvTransposePlan p = ws.plans.plan(s, h, w);
      ws.plan = p;
      pad = Math.max(pad, phaseHalo(h, s.stride().h(), s.kernel().h(), p.crop().top(), p.outH()));
      pad = Math.max(pad, phaseHalo(w, s.stride().w(), s.kernel().w(), p.crop().left(),
          p.outW()));
    }
    ws.h = h;
    ws.w = w;
    ws.pad = pad;
    ws.below = winogradLayers() > 0 ? WinogradRows.ROWS_BELOW : 0;
    int plane = ws.plane();
    ws.a = Workspace.grow(ws.a, maxChannels * plane);
    ws.b = Workspace.grow(ws.b, maxChannels * plane);
    return ws.a;
  }

  /**
   * Runs the layers on the planes {@link #input} returned, filled; returns the output planes: for
   * a network ending in a transposed convolution, one plane per (output channel, phase y, phase
   * x), read with {@link #outputValue}; otherwise the last activation, interior at {@code at}
   * (for depth to space: its input channels, the phases).
   */
  float[] run(Workspace ws, int inChannels) {
    Workspace g = ws;
    int plane = g.plane();
    clearBorder(ws.a, inChannels, g);
    float[] cur = ws.a;
    float[] next = ws.b;
    int first = g.at(0, 0);
    int len = (g.h - 1) * g.rowLength() + g.w;
    for (Step s : steps) {
      NetworkLayer.Conv2d c = s.conv();
      float[] p = c.params();
      ws.bias = Workspace.grow(ws.bias, c.out());
      System.arraycopy(p, NetworkLayer.Conv2d.weightCount(c.in(), c.out(), c.k()), ws.bias, 0,
          c.out());
      if (s.winograd() != null) {
        WinogradRows.run(kernel, s.winograd(), ws.bias, s.slopes(), c.in(), c.out(), cur, next,
            g.h, g.w, g.pad, g.rowLength(), ws.winograd);
      } else {
        direct(ws, c, s.direct(), cur, next, s.slopes());
      }
      if (s.clamp() != null) {
        for (int o = 0; o < c.out(); o++) {
          s.clamp().apply(next, o * plane + first, o * plane + first + len, next);
        }
      }
      clearBorder(next, c.out(), g);
      float[] swap = cur;
      cur = next;
      next = swap;
    }
    if (last == null) {
      return cur;
    }
    return phases(ws, cur);
  }

  /**
   * Convolution {@code c} over the tile by {@link RowKernel#conv}: weights {@code w} tap by tap
   * ({@link Step#direct}), bias in {@code ws.bias}.
   */
  private void direct(Workspace ws, NetworkLayer.Conv2d c, float[] w, float[] cur,
      float[] next, float[] slopes) {
    Workspace g = ws;
    int plane = g.plane();
    int first = g.at(0, 0);
    int len = (g.h - 1) * g.rowLength() + g.w;
    int taps = c.in() * c.k() * c.k();
    ws.taps(taps);
    int half = c.k() / 2;
    int t = 0;
    for (int ci = 0; ci < c.in(); ci++) {
      for (int ky = 0; ky < c.k(); ky++) {
        for (int kx = 0; kx < c.k(); kx++, t++) {
          ws.taps[t] = ci * plane + (ky - half) * g.rowLength() + kx - half;
        }
      }
    }
    kernel.conv(w, c.out(), cur, first, ws.taps, taps, ws.bias, slopes, next, first, plane,
        len);
  }

  /** The transposed convolution's phases over the tile, into {@code ws.z}. */
  private float[] phases(Workspace ws, float[] x) {
    Workspace g = ws;
    ConvTransposeSpec s = last.spec();
    ConvTransposePlan p = ws.plan;
    int sy = s.stride().h();
    int sx = s.stride().w();
    int kh = s.kernel().h();
    int kw = s.kernel().w();
    int ty = (kh + sy - 1) / sy;
    int tx = (kw + sx - 1) / sx;
    int in = s.inChannels();
    int out = s.outChannels();
    int rows = out * sy * sx;
    int taps = in * ty * tx;
    ws.taps(taps);
    ws.weights = Workspace.grow(ws.weights, taps * rows);
    ws.bias = Workspace.grow(ws.bias, rows);
    float[] w = last.params();
    int plane = g.plane();
    int t = 0;
    for (int c = 0; c < in; c++) {
      for (int a = 0; a < ty; a++) {
        for (int b = 0; b < tx; b++, t++) {
          ws.taps[t] = c * plane - a * g.rowLength() - b;
          for (int co = 0; co < out; co++) {
            for (int py = 0; py < sy; py++) {
              for (int px = 0; px < sx; px++) {
                int ky = py + sy * a;
                int kx = px + sx * b;
                ws.weights[t * rows + (co * sy + py) * sx + px] = ky < kh && kx < kw
                    ? w[((c * out + co) * kh + ky) * kw + kx] : 0f;
              }
            }
          }
        }
      }
    }
    for (int co = 0; co < out; co++) {
      float bias = s.hasBias() ? w[NetworkLayer.ConvTranspose2d.weightCount(s) + co] : 0f;
      for (int r = 0; r < sy * sx; r++) {
        ws.bias[co * sy * sx + r] = bias;
      }
    }
    int my0 = Math.floorDiv(p.crop().top(), sy);
    int my1 = Math.floorDiv(p.crop().top() + p.outH() - 1, sy);
    int mx0 = Math.floorDiv(p.crop().left(), sx);
    int mx1 = Math.floorDiv(p.crop().left() + p.outW() - 1, sx);
    int from = g.at(my0, mx0);
    int len = g.at(my1, mx1) - from + 1;
    ws.z = Workspace.grow(ws.z, rows * plane);
    kernel.conv(ws.weights, rows, x, from, ws.taps, taps, ws.bias, null, ws.z, from, plane, len);
    return ws.z;
  }

  /**
   * Output pixel (y, x) of channel {@code c} of the tile's transposed convolution (cropped
   * coordinates, as the tile's {@code plan} gives them), from the phase planes {@link #run}
   * returned.
   */
  float outputValue(Workspace ws, float[] z, int c, int y, int x) {
    ConvTransposeSpec s = last.spec();
    int sy = s.stride().h();
    int sx = s.stride().w();
    int oy = y + ws.plan.crop().top();
    int ox = x + ws.plan.crop().left();
    int my = Math.floorDiv(oy, sy);
    int mx = Math.floorDiv(ox, sx);
    int r = (c * sy + oy - my * sy) * sx + ox - mx * sx;
    return z[r * ws.plane() + ws.at(my, mx)];
  }

  /** Zeroes everything but the interior of {@code channels} planes. */
  static void clearBorder(float[] f, int channels, Workspace g) {
    int plane = g.plane();
    for (int c = 0; c < channels; c++) {
      int base = c * plane;
      Arrays.fill(f, base, base + g.at(0, 0), 0f);
      for (int y = 0; y < g.h - 1; y++) {
        Arrays.fill(f, base + g.at(y, g.w), base + g.at(y + 1, 0), 0f);
      }
      Arrays.fill(f, base + g.at(g.h - 1, g.w), base + plane, 0f);
    }
  }
}
