package dev.upsampler.engine;

/**
 * The fast paths' view of their input and output: a float tensor or an 8-bit image, read one
 * expanded row at a time (converted on load) and written one row at a time (rounded and clamped on
 * store for 8 bits). Exactly one of the float and 8-bit fields is set on each side.
 */
final class FrameRows {
  final Tensor floatIn;
  final U8Image u8In;
  final Tensor floatOut;
  final U8Image u8Out;
  final int inH;
  final int inW;
  /** The window of output rows to compute, [rowStart, rowEnd); row rowStart lands in row 0. */
  final int rowStart;
  final int rowEnd;

  FrameRows(Tensor floatIn, U8Image u8In, Tensor floatOut, U8Image u8Out) {
    this(floatIn, u8In, floatOut, u8Out, 0,
        floatOut != null ? floatOut.h() : u8Out.height());
  }

  FrameRows(Tensor floatIn, U8Image u8In, Tensor floatOut, U8Image u8Out, int rowStart,
      int rowEnd) {
    this.floatIn = floatIn;
    this.u8In = u8In;
    this.floatOut = floatOut;
    this.u8Out = u8Out;
    this.inH = floatIn != null ? floatIn.h() : u8In.height();
    this.inW = floatIn != null ? floatIn.w() : u8In.width();
    this.rowStart = rowStart;
    this.rowEnd = rowEnd;
  }

  /** Output bands of {@code tileH} rows covering the window: the count. */
  int bands(int tileH) {
    return (rowEnd - rowStart + tileH - 1) / tileH;
  }

  /** First output row of band {@code k}. */
  int bandStart(int k, int tileH) {
    return rowStart + k * tileH;
  }

  /** One past the last output row of band {@code k}. */
  int bandEnd(int k, int tileH) {
    return Math.min(rowEnd, rowStart + (k + 1) * tileH);
  }

  int batch() {
    return floatIn != null ? floatIn.n() : 1;
  }

  /**
   * Fills {@code dst[dstOff + e*channels + k]} for {@code e} in [0, len) with input pixel {@code
   * floor((mStart + e) / s)} of row {@code iy}, channel {@code c0 + k} (k in [0, channels)): the
   * expanded row of the polyphase form, channels interleaved. Columns outside the input are zero
   * or the edge pixel, per {@code border}. {@code tmp} is scratch for the input span, at least
   * {@code (len / s + 2) * channels} long.
   */
  void expand(int b, int c0, int channels, int iy, int mStart, int len, int s, BorderMode border,
      float[] dst, int dstOff, float[] tmp) {
    // Input columns this expanded range covers, clipped to the image.
    int first = Math.max(0, Math.floorDiv(mStart, s));
    int last = Math.min(inW - 1, Math.floorDiv(mStart + len - 1, s));
    // Expanded elements before column 0, inside the image, after the last column.
    int before = Math.min(len, Math.max(0, -mStart));
    int inside = Math.max(0, Math.min(len, s * inW - mStart) - before);
    if (inside > 0 && u8In != null) {
      expandBytes(c0, channels, iy, first, Math.floorMod(mStart + before, s), s, inside, dst,
          dstOff + before * channels);
    } else if (inside > 0) {
      gather(b, c0, channels, iy, first, last - first + 1, tmp);
      repeat(tmp, Math.floorMod(mStart + before, s), s, channels, inside, dst,
          dstOff + before * channels);
    }
    if (inside < len) {
      boolean replicate = border == BorderMode.REPLICATE;
      if (before > 0) {
        edge(b, c0, channels, iy, 0, replicate, dst, dstOff, before, tmp);
      }
      int after = len - before - inside;
      if (after > 0) {
        edge(b, c0, channels, iy, inW - 1, replicate, dst,
            dstOff + (before + inside) * channels, after, tmp);
      }
    }
  }

  /**
   * Gather and repeat in one pass for 8-bit input: each source pixel's channels are read once and
   * written {@code s} times (the first {@code s - phase} times), {@code len} expanded pixels in all.
   */
  private void expandBytes(int c0, int channels, int y, int x0, int phase, int s, int len,
      float[] dst, int dstOff) {
    byte[] d = u8In.data();
    int ps = u8In.pixelStride();
    int cs = u8In.channelStride();
    int p = u8In.offset() + c0 * cs + y * u8In.rowStride() + x0 * ps;
    int o = dstOff;
    int remaining = len;
    int run = s - phase;
    if (channels == 1) {
      expandPlane(d, p, ps, run, s, len, dst, o);
      return;
    }
    while (remaining > 0) {
      int r = Math.min(run, remaining);
      if (channels == 3) {
        float v0 = d[p] & 0xff;
        float v1 = d[p + cs] & 0xff;
        float v2 = d[p + 2 * cs] & 0xff;
        for (int q = 0; q < r; q++, o += 3) {
          dst[o] = v0;
          dst[o + 1] = v1;
          dst[o + 2] = v2;
        }
      } else {
        for (int q = 0; q < r; q++) {
          for (int k = 0; k < channels; k++) {
            dst[o++] = d[p + k * cs] & 0xff;
          }
        }
      }
      remaining -= r;
      run = s;
      p += ps;
    }
  }

  /**
   * {@link #expandBytes} for one channel (a gray image, a video plane): the hot loop of 8-bit
   * planar upscaling, kept flat so that the JIT unrolls it (x2 has its own loop).
   */
  private static void expandPlane(byte[] d, int p, int ps, int firstRun, int s, int len,
      float[] dst, int o) {
    int r = Math.min(firstRun, len);
    float v = d[p] & 0xff;
    for (int q = 0; q < r; q++) {
      dst[o++] = v;
    }
    p += ps;
    int remaining = len - r;
    if (s == 2 && ps == 1) {
      int pairs = remaining >> 1;
      for (int i = 0; i < pairs; i++) {
        float x = d[p + i] & 0xff;
        dst[o + 2 * i] = x;
        dst[o + 2 * i + 1] = x;
      }
      if ((remaining & 1) != 0) {
        dst[o + 2 * pairs] = d[p + pairs] & 0xff;
      }
      return;
    }
    while (remaining > 0) {
      r = Math.min(s, remaining);
      v = d[p] & 0xff;
      for (int q = 0; q < r; q++) {
        dst[o++] = v;
      }
      remaining -= r;
      p += ps;
    }
  }

  /** Copies {@code n} pixels of row (b, c, y) from column {@code x0} to {@code dst[off...]}. */
  void gatherRow(int b, int c, int y, int x0, int n, float[] dst, int off) {
    if (floatIn != null) {
      System.arraycopy(floatIn.data(), floatIn.index(b, c, y, x0), dst, off, n);
      return;
    }
    byte[] d = u8In.data();
    int ps = u8In.pixelStride();
    int row = u8In.offset() + c * u8In.channelStride() + y * u8In.rowStride() + x0 * ps;
    for (int i = 0; i < n; i++) {
      dst[off + i] = d[row + i * ps] & 0xff;
    }
  }

  /**
   * Writes {@code count} computed outputs to row (b, c, y) at columns {@code x, x + step, ...}:
   * one output phase, interleaved with the others.
   */
  void storeStrided(RowKernel kernel, float[] src, int count, int b, int c, int y, int x,
      int step) {
    if (floatOut != null) {
      float[] d = floatOut.data();
      int o = floatOut.index(b, c, y - rowStart, x);
      for (int j = 0; j < count; j++, o += step) {
        d[o] = src[j];
      }
    } else {
      kernel.storeU8(src, 0, u8Out.data(), u8Out.offset() + c * u8Out.channelStride()
          + (y - rowStart) * u8Out.rowStride() + x * u8Out.pixelStride(),
          u8Out.pixelStride() * step, count);
    }
  }

  /** Copies {@code n} input pixels from column {@code x0} into {@code tmp}, channels interleaved. */
  private void gather(int b, int c0, int channels, int y, int x0, int n, float[] tmp) {
    for (int k = 0; k < channels; k++) {
      if (floatIn != null) {
        int row = floatIn.index(b, c0 + k, y, x0);
        if (channels == 1) {
          System.arraycopy(floatIn.data(), row, tmp, 0, n);
        } else {
          float[] d = floatIn.data();
          for (int i = 0; i < n; i++) {
            tmp[i * channels + k] = d[row + i];
          }
        }
      } else {
        byte[] d = u8In.data();
        int ps = u8In.pixelStride();
        int row = u8In.offset() + (c0 + k) * u8In.channelStride() + y * u8In.rowStride()
            + x0 * ps;
        for (int i = 0; i < n; i++) {
          tmp[i * channels + k] = d[row + i * ps] & 0xff;
        }
      }
    }
  }

  /**
   * Writes each pixel of {@code src} {@code s} times (the first one {@code s - phase} times) until
   * {@code len} expanded pixels are written.
   */
  private static void repeat(float[] src, int phase, int s, int channels, int len, float[] dst,
      int dstOff) {
    if (s == 1) {
      System.arraycopy(src, 0, dst, dstOff, len * channels);
      return;
    }
    int o = dstOff;
    int end = dstOff + len * channels;
    int i = 0;
    if (channels == 1 && s == 2) {
      if (phase == 1) {
        dst[o++] = src[i++];
      }
      for (; o + 1 < end; o += 2, i++) {
        float v = src[i];
        dst[o] = v;
        dst[o + 1] = v;
      }
      if (o < end) {
        dst[o] = src[i];
      }
      return;
    }
    int run = s - phase;
    while (o < end) {
      for (int q = 0; q < run && o < end; q++) {
        for (int k = 0; k < channels; k++) {
          dst[o++] = src[i * channels + k];
        }
      }
      run = s;
      i++;
    }
  }

  /** Fills {@code len} expanded pixels with column {@code x}'s value (replicate) or zeros. */
  private void edge(int b, int c0, int channels, int y, int x, boolean replicate, float[] dst,
      int dstOff, int len, float[] tmp) {
    if (!replicate) {
      java.util.Arrays.fill(dst, dstOff, dstOff + len * channels, 0f);
      return;
    }
    gather(b, c0, channels, y, x, 1, tmp);
    for (int e = 0, o = dstOff; e < len; e++) {
      for (int k = 0; k < channels; k++) {
        dst[o++] = tmp[k];
      }
    }
  }

  /** True when the output is a float tensor that rows can be written into directly. */
  boolean floatOutput() {
    return floatOut != null;
  }

  /** Array index where output row (b, c, y) starts at column x (float output). */
  int outIndex(int b, int c, int y, int x) {
    return floatOut.index(b, c, y - rowStart, x);
  }

  /** Stores a computed row into the 8-bit output (channel c, row y, from column x). */
  void storeU8(RowKernel kernel, float[] row, int rowOff, int c, int y, int x, int len) {
    kernel.storeU8(row, rowOff, u8Out.data(), u8Out.offset() + c * u8Out.channelStride()
        + (y - rowStart) * u8Out.rowStride() + x * u8Out.pixelStride(), u8Out.pixelStride(), len);
  }

  /** Stores an interleaved row of all channels (pixel stride = channels) from column x. */
  void storeU8Interleaved(RowKernel kernel, float[] row, int rowOff, int y, int x, int len) {
    kernel.storeU8(row, rowOff, u8Out.data(),
        u8Out.offset() + (y - rowStart) * u8Out.rowStride() + x * u8Out.pixelStride(), 1, len);
  }
}
