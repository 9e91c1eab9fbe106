package dev.upsampler.engine;

/**
 * Geometric self-ensemble (Lim et al. 2017, the "+" models of EDSR; "TTA mode" in waifu2x and
 * Real-ESRGAN): the network runs on the input under each of the eight flips and transposes of
 * the square, every output is turned back, and the mean is the result. A learned network is not
 * exactly symmetric, so its mistakes differ between the eight views and partly cancel (moiré on
 * aliased texture most of all); it costs eight passes. A network whose scale differs between
 * the axes runs under the four flips only (a transpose would swap its scales).
 */
public final class SelfEnsemble {
  private SelfEnsemble() {}

  /** {@code out} = the network averaged over the views of {@code in} (1 image, 1 channel). */
  public static void apply(SequentialNetwork net, Tensor in, Tensor out, Parallelism par,
      float range) {
    if (in.n() != 1 || in.c() != 1 || out.n() != 1 || out.c() != 1) {
      throw new ShapeException("self-ensemble runs one single-channel image, got input "
          + in.shapeString() + " and output " + out.shapeString());
    }
    int h = in.h();
    int w = in.w();
    int outH = out.h();
    int outW = out.w();
    int[] o = net.outputSize(h, w);
    if (o[0] != outH || o[1] != outW) {
      throw new ShapeException("the network maps " + h + " x " + w + " to " + o[0] + " x " + o[1]
          + "; got output " + out.shapeString());
    }
    int[] swapped = net.outputSize(w, h);
    boolean transposes = swapped[0] == outW && swapped[1] == outH;
    int views = transposes ? 8 : 4;
    float[] src = copy(in);
    float[] sum = new float[outH * outW];
    for (int v = 0; v < views; v++) {
      boolean transpose = (v & 4) != 0;
      boolean flipX = (v & 1) != 0;
      boolean flipY = (v & 2) != 0;
      int th = transpose ? w : h;
      int tw = transpose ? h : w;
      Tensor viewIn = Tensor.zeros(1, 1, th, tw);
      float[] vi = viewIn.data();
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          vi[index(y, x, h, w, transpose, flipX, flipY)] = src[y * w + x];
        }
      }
      int[] vo = net.outputSize(th, tw);
      Tensor viewOut = Tensor.zeros(1, 1, vo[0], vo[1]);
      net.apply(viewIn, viewOut, par, range);
      float[] r = viewOut.data();
      for (int y = 0; y < outH; y++) {
        for (int x = 0; x < outW; x++) {
          sum[y * outW + x] += r[index(y, x, outH, outW, transpose, flipX, flipY)];
        }
      }
    }
    float[] d = out.data();
    for (int y = 0; y < outH; y++) {
      int row = out.offset() + y * out.strideH();
      for (int x = 0; x < outW; x++) {
        d[row + x] = sum[y * outW + x] / views;
      }
    }
  }

  /** Where pixel (y, x) of an h x w image lands in the view: flips first, then the transpose. */
  private static int index(int y, int x, int h, int w, boolean transpose, boolean flipX,
      boolean flipY) {
    int fy = flipY ? h - 1 - y : y;
    int fx = flipX ? w - 1 - x : x;
    return transpose ? fx * h + fy : fy * w + fx;
  }

  private static float[] copy(Tensor t) {
    float[] a = new float[t.h() * t.w()];
    for (int y = 0; y < t.h(); y++) {
      System.arraycopy(t.data(), t.offset() + y * t.strideH(), a, y * t.w(), t.w());
    }
    return a;
  }
}
