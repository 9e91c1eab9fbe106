package dev.upsampler.image;

import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Tensor;
import java.util.Locale;
import java.util.Objects;

/**
 * Upsamples whole frames with a kernel in a colour mode. Thread-safe; the {@link Parallelism}
 * belongs to the caller.
 *
 * <p>8-bit frames without alpha in RGB mode take the engine's fused 8-bit path (no float copy of
 * the frame). Everything else runs on float planes: alpha premultiplies the colour before and
 * divides it out after, so transparent edges get no dark halos; Y mode converts to YCbCr and back.
 * Results are rounded half up and clamped to the layout's range.
 */
public final class Upscaler {
  private final UpscaleKernel kernel;
  private final ColorMode mode;
  private final Parallelism par;
  private final ConvTranspose chromaBicubic;
  /** Layers by channel count, so that their prepared fast paths are reused frame after frame. */
  private final java.util.concurrent.ConcurrentHashMap<Integer, ConvTranspose> layers =
      new java.util.concurrent.ConcurrentHashMap<>();

  public Upscaler(UpscaleKernel kernel, ColorMode mode, Parallelism par) {
    this.kernel = Objects.requireNonNull(kernel, "kernel");
    this.mode = Objects.requireNonNull(mode, "mode").resolve(kernel);
    this.par = Objects.requireNonNull(par, "parallelism");
    this.chromaBicubic = Interpolation.BICUBIC.layer(1, kernel.scale().h(), kernel.scale().w());
  }

  public UpscaleKernel kernel() {
    return kernel;
  }

  /** The colour mode in effect ({@link ColorMode#AUTO} resolved for the kernel). */
  public ColorMode mode() {
    return mode;
  }

  private ConvTranspose layer(int channels) {
    return layers.computeIfAbsent(channels, kernel::layer);
  }

  /**
   * True if {@link #streamRows} can produce this frame's output strip by strip: 8-bit, no alpha,
   * a per-channel kernel in RGB mode (the engine's fused 8-bit path).
   */
  public boolean canStream(Frame in) {
    PixelLayout l = in.layout();
    return l.bitsPerSample() == 8 && !l.hasAlpha() && l != PixelLayout.YUV420P
        && kernel.perChannel() && kernel.network() == null && (mode == ColorMode.RGB || l.isGray());
  }

  /**
   * Output rows {@code [firstRow, firstRow + rows)} of {@code apply(in)}, interleaved into {@code
   * dst}, bit for bit: for outputs too large to hold (see {@link #canStream}).
   */
  public void streamRows(Frame in, int firstRow, int rows, byte[] dst) {
    if (!canStream(in)) {
      throw new IllegalArgumentException(in.layout().id() + " frames in " + mode
          + " mode with kernel " + kernel.name() + " cannot be streamed");
    }
    int w = outputSize(in.width(), in.height())[0];
    layer(in.layout().channels()).applyRows(in.u8View(),
        dev.upsampler.engine.U8Image.interleaved(dst, w, rows, in.layout().channels()), firstRow,
        par);
  }

  /** Output width and height for an input frame. */
  public int[] outputSize(int width, int height) {
    if (kernel.network() != null) {
      int[] o = kernel.network().outputSize(height, width);
      return new int[] {o[1], o[0]};
    }
    ConvTransposePlan p = kernel.layer(kernel.perChannel() ? 1 : kernel.channels()).spec()
        .plan(height, width);
    return new int[] {p.outW(), p.outH()};
  }

  public Frame apply(Frame in) {
    PixelLayout layout = in.layout();
    if (layout == PixelLayout.YUV420P) {
      return applyYuv420(in);
    }
    int[] size = outputSize(in.width(), in.height());
    checkMemory(in, size);
    boolean direct = layout.bitsPerSample() == 8 && !layout.hasAlpha() && kernel.perChannel()
        && kernel.network() == null && (mode == ColorMode.RGB || layout.isGray());
    if (direct) {
      Frame out = Frame.blank(layout, size[0], size[1], in.info());
      layer(layout.channels()).apply(in.u8View(), out.u8View(), par);
      return out;
    }
    Tensor t = in.toTensor();
    int colors = layout.colorChannels();
    float max = layout.maxValue();
    if (layout.hasAlpha()) {
      premultiply(t, colors, max);
    }
    Tensor y = Tensor.zeros(1, layout.channels(), size[1], size[0]);
    if (mode == ColorMode.Y && colors == 3) {
      upscaleLuma(t, y, colors, max);
    } else {
      upscaleColors(t, y, colors, max);
    }
    if (layout.hasAlpha()) {
      if (mode == ColorMode.Y && colors == 3) {
        chromaBicubic.apply(plane(t, colors), plane(y, colors), par);
      } else if (!kernel.perChannel()) {
        chromaBicubic.apply(plane(t, colors), plane(y, colors), par);
      }
      unpremultiply(y, colors, max);
    }
    return Frame.fromTensor(y, layout, in.info());
  }

  /**
   * A planar 4:2:0 frame, as video decoders deliver it: Y by the kernel, Cb and Cr by the kernel
   * at their own (half) size, or by bicubic in {@code y} mode, as FFmpeg's scaler treats them.
   * No colour conversion, half the samples of RGB. Even sizes and a kernel whose output is
   * {@code scale x input} on both planes (the built-in kernels) are required.
   */
  public boolean canApplyYuv420(int width, int height) {
    if (!kernel.perChannel() || width % 2 != 0 || height % 2 != 0) {
      return false;
    }
    int[] luma = outputSize(width, height);
    int[] chroma = outputSize(width / 2, height / 2);
    return luma[0] == 2 * chroma[0] && luma[1] == 2 * chroma[1];
  }

  private Frame applyYuv420(Frame in) {
    int w = in.width();
    int h = in.height();
    if (!canApplyYuv420(w, h)) {
      throw new IllegalArgumentException("yuv420p frames need even sizes and a per-channel"
          + " kernel that scales both planes alike; got " + w + "x" + h + " with "
          + kernel.name());
    }
    int[] size = outputSize(w, h);
    checkMemory(in, size);
    int outW = size[0];
    int outH = size[1];
    byte[] src = in.bytes();
    byte[] dst = new byte[outW * outH + 2 * (outW / 2) * (outH / 2)];
    int cin = (w / 2) * (h / 2);
    int cout = (outW / 2) * (outH / 2);
    if (kernel.network() != null) {
      networkPlane8(src, 0, w, h, dst, 0, outW, outH);
      for (int p = 0; p < 2; p++) {
        if (mode == ColorMode.Y) {
          chromaBicubic.apply(plane8(src, w * h + p * cin, w / 2, h / 2),
              plane8(dst, outW * outH + p * cout, outW / 2, outH / 2), par);
        } else {
          networkPlane8(src, w * h + p * cin, w / 2, h / 2, dst, outW * outH + p * cout,
              outW / 2, outH / 2);
        }
      }
      return Frame.of8(PixelLayout.YUV420P, outW, outH, dst, in.info());
    }
    ConvTranspose luma = layer(1);
    ConvTranspose chroma = mode == ColorMode.Y ? chromaBicubic : luma;
    luma.apply(plane8(src, 0, w, h), plane8(dst, 0, outW, outH), par);
    for (int p = 0; p < 2; p++) {
      chroma.apply(plane8(src, w * h + p * cin, w / 2, h / 2),
          plane8(dst, outW * outH + p * cout, outW / 2, outH / 2), par);
    }
    return Frame.of8(PixelLayout.YUV420P, outW, outH, dst, in.info());
  }

  /** One 8-bit plane through the network, rounded as the engine's 8-bit stores round. */
  private void networkPlane8(byte[] src, int srcOff, int w, int h, byte[] dst, int dstOff,
      int outW, int outH) {
    Tensor x = Tensor.zeros(1, 1, h, w);
    for (int i = 0; i < w * h; i++) {
      x.data()[i] = src[srcOff + i] & 0xff;
    }
    Tensor y = Tensor.zeros(1, 1, outH, outW);
    kernel.applyNetwork(x, y, par, 255f);
    for (int i = 0; i < outW * outH; i++) {
      dst[dstOff + i] = (byte) dev.upsampler.engine.U8Image.toU8(y.data()[i]);
    }
  }

  private static dev.upsampler.engine.U8Image plane8(byte[] data, int offset, int w, int h) {
    return new dev.upsampler.engine.U8Image(data, offset, 1, h, w, w * h, w, 1);
  }

  private void upscaleColors(Tensor t, Tensor y, int colors, float max) {
    if (kernel.network() != null) {
      for (int c = 0; c < t.c(); c++) {
        kernel.applyNetwork(plane(t, c), plane(y, c), par, max);
      }
    } else if (kernel.perChannel()) {
      // Alpha, if any, goes through the same kernel as the (premultiplied) colour.
      layer(t.c()).apply(t, y, par);
    } else {
      layer(colors).apply(planes(t, 0, colors), planes(y, 0, colors), par);
    }
  }

  /** Y by the kernel, Cb and Cr by bicubic, on full-range BT.601 YCbCr. */
  private void upscaleLuma(Tensor t, Tensor y, int colors, float max) {
    if (!kernel.perChannel()) {
      throw new IllegalArgumentException("colour mode y needs a 1-channel kernel; " + kernel.name()
          + " takes " + kernel.channels() + " channels");
    }
    toYCbCr(t, max);
    if (kernel.network() != null) {
      kernel.applyNetwork(plane(t, 0), plane(y, 0), par, max);
    } else {
      layer(1).apply(plane(t, 0), plane(y, 0), par);
    }
    chromaBicubic.apply(plane(t, 1), plane(y, 1), par);
    chromaBicubic.apply(plane(t, 2), plane(y, 2), par);
    toRgb(y, max);
  }

  static Tensor plane(Tensor t, int c) {
    return planes(t, c, 1);
  }

  static Tensor planes(Tensor t, int c0, int count) {
    return Tensor.view(t.data(), t.index(0, c0, 0, 0), 1, count, t.h(), t.w(), t.strideN(),
        t.strideC(), t.strideH());
  }

  private static void premultiply(Tensor t, int colors, float max) {
    float[] d = t.data();
    int plane = t.h() * t.w();
    int a = colors * plane;
    for (int p = 0; p < plane; p++) {
      float alpha = d[a + p] / max;
      for (int c = 0; c < colors; c++) {
        d[c * plane + p] *= alpha;
      }
    }
  }

  private static void unpremultiply(Tensor t, int colors, float max) {
    float[] d = t.data();
    int plane = t.h() * t.w();
    int a = colors * plane;
    for (int p = 0; p < plane; p++) {
      float alpha = Math.min(d[a + p], max);
      float scale = alpha > 0 ? max / alpha : 0f;
      for (int c = 0; c < colors; c++) {
        d[c * plane + p] *= scale;
      }
    }
  }

  /** In place: RGB planes to Y, Cb, Cr (offset at mid-range). */
  static void toYCbCr(Tensor t, float max) {
    float[] d = t.data();
    int plane = t.h() * t.w();
    float mid = (max + 1) / 2;
    for (int p = 0; p < plane; p++) {
      float r = d[p];
      float g = d[plane + p];
      float b = d[2 * plane + p];
      float yy = 0.299f * r + 0.587f * g + 0.114f * b;
      d[p] = yy;
      d[plane + p] = mid + 0.564f * (b - yy);
      d[2 * plane + p] = mid + 0.713f * (r - yy);
    }
  }

  /** In place: Y, Cb, Cr planes back to RGB (the exact inverse of {@link #toYCbCr}). */
  static void toRgb(Tensor t, float max) {
    float[] d = t.data();
    int plane = t.h() * t.w();
    float mid = (max + 1) / 2;
    for (int p = 0; p < plane; p++) {
      float yy = d[p];
      float cb = d[plane + p] - mid;
      float cr = d[2 * plane + p] - mid;
      float r = yy + cr / 0.713f;
      float b = yy + cb / 0.564f;
      d[p] = r;
      d[plane + p] = (yy - 0.299f * r - 0.114f * b) / 0.587f;
      d[2 * plane + p] = b;
    }
  }

  /** Refuses a frame whose output cannot fit the heap, naming the sizes and the limit. */
  public void checkMemory(Frame in, int[] size) {
    PixelLayout l = in.layout();
    long outSamples = (long) size[0] * size[1] * l.channels();
    long inSamples = (long) in.width() * in.height() * l.channels();
    boolean floatPath = l.bitsPerSample() != 8 || l.hasAlpha() || !kernel.perChannel()
        || kernel.network() != null
        || (mode == ColorMode.Y && !l.isGray());
    long need = outSamples * (l.bitsPerSample() / 8) + (floatPath ? 4 * (inSamples + outSamples)
        : 0);
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    if (outSamples > Integer.MAX_VALUE - 8 || need > free) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%s: upscaling %dx%d %s to %dx%d needs about %d MB, but the JVM has %d MB free of its"
              + " %d MB limit (-Xmx)%s%s", in.info().sourceName(), in.width(), in.height(), l.id(),
          size[0], size[1], need >> 20, free >> 20, rt.maxMemory() >> 20,
          outSamples > Integer.MAX_VALUE - 8 ? "; one frame holds at most 2^31 samples" : "",
          canStream(in) ? "; writing PNG streams the output in strips (upscale --tile N)" : ""));
    }
  }
}
